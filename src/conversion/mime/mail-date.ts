/**
 * The Date header as an ISO string. RFC 5322 dates first (with obsolete zone names and two-digit
 * years), then whatever JavaScript's own parser accepts; a date that still makes no sense (or lies
 * outside 1900–2200) is treated as missing rather than invented.
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

const ZONES: Record<string, number> = {
  ut: 0,
  utc: 0,
  gmt: 0,
  z: 0,
  est: -5 * 60,
  edt: -4 * 60,
  cst: -6 * 60,
  cdt: -5 * 60,
  mst: -7 * 60,
  mdt: -6 * 60,
  pst: -8 * 60,
  pdt: -7 * 60,
};

const RFC5322 =
  /^\s*(?:[a-z]+\s*,?\s*)?(\d{1,2})\s+([a-z]{3})[a-z]*\.?\s+(\d{2,4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{4}|[a-z]+)?/i;

function plausible(ms: number): string | undefined {
  if (!Number.isFinite(ms)) return undefined;
  const year = new Date(ms).getUTCFullYear();
  return year >= 1900 && year <= 2200 ? new Date(ms).toISOString() : undefined;
}

export function parseMailDate(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const m = RFC5322.exec(value.replace(/\([^)]*\)/g, ' '));
  if (m) {
    const [, day, monthName, yearText, hour, minute, second, zone] = m;
    const month = MONTHS.indexOf((monthName ?? '').toLowerCase());
    let year = Number(yearText);
    // RFC 5322 section 4.3: two-digit years below 50 are 20xx, three-digit years add 1900.
    if ((yearText ?? '').length === 2) year += year < 50 ? 2000 : 1900;
    else if ((yearText ?? '').length === 3) year += 1900;
    let offsetMinutes = 0;
    if (zone && /^[+-]\d{4}$/.test(zone)) {
      const sign = zone.startsWith('-') ? -1 : 1;
      offsetMinutes = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5)));
    } else if (zone) offsetMinutes = ZONES[zone.toLowerCase()] ?? 0;
    if (month >= 0) {
      const utc =
        Date.UTC(year, month, Number(day), Number(hour), Number(minute), Number(second ?? 0)) -
        offsetMinutes * 60_000;
      const iso = plausible(utc);
      if (iso && Number(hour) < 24 && Number(minute) < 60 && Number(day) >= 1 && Number(day) <= 31)
        return iso;
    }
  }
  return plausible(Date.parse(value));
}
