// Index keys of attributes that are not caseExact (RFC 7643 §2.2) are lower case. V8's toLowerCase
// returns its argument itself when nothing changes, so a lower-case value costs no second string;
// a mixed-case one does. The last result is remembered: the indexes one write updates in turn
// (userName's unique index, then emails.value, often the same address) then share one key string
// instead of one each. Only for stored values: a query's value is folded without the memo, so a
// long filter string is not kept alive by it.
let lastValue = '';
let lastKey = '';

export function storedKey(value: string, caseExact: boolean): string {
  if (caseExact) return value;
  if (value !== lastValue) {
    lastValue = value;
    lastKey = value.toLowerCase();
  }
  return lastKey;
}

export function queryKey(value: string, caseExact: boolean): string {
  return caseExact ? value : value.toLowerCase();
}
