// dateTime values as instants. RFC 7643 §2.3.5: "The attribute value MUST be encoded as a valid
// xsd:dateTime", and RFC 7644 §3.4.2.2 compares dateTimes chronologically, so both sides are turned
// into epoch milliseconds. Date.parse is not used: it accepts many non-xsd forms and reads a
// value without a time zone as local time, which would make results depend on the server's TZ.

// YYYY-MM-DD, optionally followed by Thh:mm:ss[.fraction][Z|±hh:mm]. A bare date (midnight UTC)
// is tolerated because clients commonly send `meta.created gt "2024-01-01"`.
const DATE_TIME =
  /^(\d{4,})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?)?$/i;

/** Epoch milliseconds, or undefined when the text is not an xsd:dateTime. */
export function parseInstant(text: string): number | undefined {
  // Bounded length keeps the regex work trivially small even for hostile stored values.
  if (text.length > 64) return undefined;
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone = 'Z'] = m;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(Number(y), month)) return undefined;
  // xsd allows 24:00:00 as the end of a day; 60 seconds allows a leap second.
  if (hour > 24 || minute > 59 || second > 60 || (hour === 24 && (minute > 0 || second > 0))) return undefined;
  // Sub-millisecond digits are dropped: instants compare at millisecond precision.
  const millis = Number(fraction.slice(0, 3).padEnd(3, '0'));
  const year = Number(y);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis));
  // Date.UTC maps years 0-99 to 1900-1999; undo that.
  if (year < 100) date.setUTCFullYear(date.getUTCFullYear() - 1900);
  const time = date.getTime() - offsetMinutes(zone) * 60_000;
  return Number.isFinite(time) ? time : undefined;
}

function offsetMinutes(zone: string): number {
  if (zone.toUpperCase() === 'Z') return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  return sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  return month === 2 && isLeap(year) ? 29 : DAYS[month - 1];
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
