import fc from 'fast-check';
import {
  DEFAULT_BUSINESS_HOURS,
  addBusinessHours,
  businessWindows,
  parseBusinessHours,
  parseHolidays,
} from '../../server/lifecycle/business-hours';

// Amsterdam is UTC+1 in winter (CET) and UTC+2 in summer (CEST); in 2026 the clocks go forward on
// Sunday 29 March (02:00 → 03:00) and back on Sunday 25 October (03:00 → 02:00). Expected instants are
// written in UTC, with the local time beside them.
const office = parseBusinessHours(DEFAULT_BUSINESS_HOURS);
const christmas = parseBusinessHours(DEFAULT_BUSINESS_HOURS, '2026-12-25, 2026-12-28');
const always = parseBusinessHours('Mon-Sun 00:00-24:00 Europe/Amsterdam');
const nightShift = parseBusinessHours('Mon-Sun 02:00-04:00 Europe/Amsterdam');
const newYork = parseBusinessHours('Mon-Fri 09:00-17:00 America/New_York');

const table: [string, typeof office, string, number, string][] = [
  ['within the day', office, '2026-03-02T09:00:00Z' /* Mon 10:00 */, 8, '2026-03-03T09:00:00Z' /* Tue 10:00 */],
  ['at opening: due at closing the same day', office, '2026-03-02T08:00:00Z', 8, '2026-03-02T16:00:00Z'],
  ['at 16:59', office, '2026-03-02T15:59:00Z' /* Mon 16:59 */, 8, '2026-03-03T15:59:00Z' /* Tue 16:59 */],
  ['at closing time: counts from the next opening', office, '2026-03-02T16:00:00Z', 8, '2026-03-03T16:00:00Z'],
  ['at night', office, '2026-03-02T22:30:00Z' /* Mon 23:30 */, 8, '2026-03-03T16:00:00Z' /* Tue 17:00 */],
  ['before opening', office, '2026-03-03T02:00:00Z' /* Tue 03:00 */, 8, '2026-03-03T16:00:00Z'],
  ['over the weekend', office, '2026-03-06T15:00:00Z' /* Fri 16:00 */, 8, '2026-03-09T15:00:00Z' /* Mon 16:00 */],
  ['on a Saturday', office, '2026-03-07T11:00:00Z', 8, '2026-03-09T16:00:00Z' /* Mon 17:00 */],
  ['half an hour', office, '2026-03-02T15:45:00Z' /* Mon 16:45 */, 0.5, '2026-03-03T08:15:00Z' /* Tue 09:15 */],
  ['a working week', office, '2026-03-04T10:00:00Z' /* Wed 11:00 */, 40, '2026-03-11T10:00:00Z'],
  ['no time at all', office, '2026-03-07T11:00:00Z', 0, '2026-03-07T11:00:00Z'],
  ['over a holiday', christmas, '2026-12-24T13:00:00Z' /* Thu 14:00 */, 8, '2026-12-29T13:00:00Z' /* Tue 14:00: Fri and Mon off */],
  ['holidays only count where they fall', christmas, '2026-12-22T13:00:00Z', 8, '2026-12-23T13:00:00Z'],
  // DST: the hours stay on the clock, the instants move.
  ['into summer time', office, '2026-03-27T15:00:00Z' /* Fri 16:00 CET */, 8, '2026-03-30T14:00:00Z' /* Mon 16:00 CEST */],
  ['into winter time', office, '2026-10-23T14:00:00Z' /* Fri 16:00 CEST */, 8, '2026-10-26T15:00:00Z' /* Mon 16:00 CET */],
  [
    'round the clock, over the short day',
    always,
    '2026-03-28T11:00:00Z' /* Sat 12:00 CET */,
    24,
    '2026-03-29T11:00:00Z' /* Sun 13:00 CEST */,
  ],
  [
    'round the clock, over the long day',
    always,
    '2026-10-24T10:00:00Z' /* Sat 12:00 CEST */,
    24,
    '2026-10-25T10:00:00Z' /* Sun 11:00 CET */,
  ],
  // 02:00–04:00 on the night the clocks skip 02:00–03:00 is one hour; on the night they repeat it, three.
  ['a window the spring gap shortens', nightShift, '2026-03-28T23:00:00Z' /* Sun 00:00 CET */, 1.5, '2026-03-30T00:30:00Z'],
  ['a window the autumn overlap lengthens', nightShift, '2026-10-24T23:00:00Z' /* Sun 01:00 CEST */, 3, '2026-10-25T03:00:00Z'],
  [
    'another time zone, into its summer time',
    newYork,
    '2026-03-06T21:00:00Z' /* Fri 16:00 EST */,
    8,
    '2026-03-09T20:00:00Z' /* Mon 16:00 EDT */,
  ],
];

describe('adding business hours', () => {
  it.each(table)('%s', (_name, hours, start, add, due) => {
    expect(addBusinessHours(hours, new Date(start), add).toISOString()).toBe(new Date(due).toISOString());
  });

  it('lists the windows of the DST nights as the clock on the wall has them', () => {
    const windows = (hours: typeof office, from: string, n: number) => {
      const list: string[] = [];
      for (const { start, end } of businessWindows(hours, new Date(from))) {
        list.push(`${start.toISOString()} ${end.toISOString()}`);
        if (list.length === n) return list;
      }
    };
    expect(windows(nightShift, '2026-03-28T12:00:00Z', 2)).toEqual([
      '2026-03-29T01:00:00.000Z 2026-03-29T02:00:00.000Z',
      '2026-03-30T00:00:00.000Z 2026-03-30T02:00:00.000Z',
    ]);
    expect(windows(nightShift, '2026-10-24T12:00:00Z', 1)).toEqual(['2026-10-25T00:00:00.000Z 2026-10-25T03:00:00.000Z']);
    // Friday's window is the next one after Thursday's end.
    expect(windows(office, '2026-03-05T16:00:00Z', 2)).toEqual([
      '2026-03-06T08:00:00.000Z 2026-03-06T16:00:00.000Z',
      '2026-03-09T08:00:00.000Z 2026-03-09T16:00:00.000Z',
    ]);
  });

  it('round the clock in UTC, business hours are hours', () => {
    const utc = parseBusinessHours('Mon-Sun 00:00-24:00 UTC');
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01'), max: new Date('2090-01-01'), noInvalidDate: true }), fc.nat(500), (t, h) => {
        expect(addBusinessHours(utc, t, h).getTime()).toBe(t.getTime() + h * 3_600_000);
      }),
    );
  });

  it('never makes a later ticket due earlier, and never due before it was opened', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2026-01-01'), max: new Date('2028-01-01'), noInvalidDate: true }),
        fc.integer({ min: 0, max: 7 * 86_400_000 }),
        fc.integer({ min: 1, max: 60 }),
        (t, later, h) => {
          const first = addBusinessHours(office, t, h);
          expect(first.getTime()).toBeGreaterThan(t.getTime());
          expect(addBusinessHours(office, new Date(t.getTime() + later), h).getTime()).toBeGreaterThanOrEqual(first.getTime());
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('reading business hours', () => {
  it.each([
    ['Mon-Fri 09:00-17:00 Europe/Amsterdam', [1, 2, 3, 4, 5], 540, 1020, 'Europe/Amsterdam'],
    ['  mon-wed,fri 08:30-24:00 UTC ', [1, 2, 3, 5], 510, 1440, 'UTC'],
    ['Sat-Mon 00:00-12:00 Asia/Tokyo', [0, 1, 6], 0, 720, 'Asia/Tokyo'],
    ['Sun 10:00-11:00 America/New_York', [0], 600, 660, 'America/New_York'],
  ])('%j', (text, days, opensAt, closesAt, timeZone) => {
    expect(parseBusinessHours(text)).toEqual({ days: new Set(days), opensAt, closesAt, timeZone, holidays: new Set() });
  });

  it.each([
    ['', /must look like/],
    ['Mon-Fri 9:00-17:00 Europe/Amsterdam', /must look like/],
    ['Mon-Fri 09:00-17:00', /must look like/],
    ['Mon-Fry 09:00-17:00 Europe/Amsterdam', /unknown days/],
    ['Mon-Tue-Wed 09:00-17:00 Europe/Amsterdam', /unknown days/],
    ['Mon-Fri 09:60-17:00 Europe/Amsterdam', /not times of day/],
    ['Mon-Fri 09:00-24:30 Europe/Amsterdam', /not times of day/],
    ['Mon-Fri 17:00-09:00 Europe/Amsterdam', /must close after it opens/],
    ['Mon-Fri 09:00-09:00 Europe/Amsterdam', /must close after it opens/],
    ['Mon-Fri 09:00-17:00 Europe/Atlantis', /unknown time zone "Europe\/Atlantis"/],
  ])('refuses %j', (text, message) => {
    expect(() => parseBusinessHours(text)).toThrow(message);
  });

  it('reads holidays, and refuses what is not a date', () => {
    expect(parseHolidays(' 2026-12-25,2026-12-26 ,, ')).toEqual(new Set(['2026-12-25', '2026-12-26']));
    expect(parseHolidays('')).toEqual(new Set());
    for (const bad of ['2026-02-30', '25-12-2026', '2026-12-25,tomorrow', '2026-1-5'])
      expect(() => parseHolidays(bad)).toThrow(/is not a date like 2026-12-25/);
  });
});
