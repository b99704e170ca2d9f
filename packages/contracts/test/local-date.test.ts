// Local dates in IANA zones, shared by the leader, fulfillment and inventory services: the local
// day of an instant (across midnight and the date line), zone wall time to UTC across DST
// changes, calendar arithmetic across month ends and leap days, and which strings are dates.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { addDays, daysBetween, isLocalDate, localDate, localParts, zonedToUtc } from '../src/local-date.js';

describe('local dates', () => {
  it('local date - the zone decides the day: 17:00 UTC on the 2nd is the 3rd in Shanghai, still the 2nd in UTC and New York', () => {
    const at = Date.parse('2026-12-02T17:00:00Z');
    assert.equal(localDate(at, 'Asia/Shanghai'), '2026-12-03');
    assert.equal(localDate(at, 'UTC'), '2026-12-02');
    assert.equal(localDate(at, 'America/New_York'), '2026-12-02');
    // Just before and just after local midnight in Shanghai.
    assert.equal(localDate(Date.parse('2026-04-01T15:59:59.999Z'), 'Asia/Shanghai'), '2026-04-01');
    assert.equal(localDate(Date.parse('2026-04-01T16:00:00Z'), 'Asia/Shanghai'), '2026-04-02');
    assert.deepEqual(localParts(Date.parse('2026-04-01T16:20:05Z'), 'Asia/Shanghai'), { date: '2026-04-02', secondOfDay: 20 * 60 + 5 });
    // Kiritimati is UTC+14: already the next day there.
    assert.equal(localDate(Date.parse('2026-12-31T10:00:00Z'), 'Pacific/Kiritimati'), '2027-01-01');
  });

  it('local date - wall time to UTC and back, either side of a DST change', () => {
    assert.equal(new Date(zonedToUtc('2026-04-02', 9 * 3600, 'Asia/Shanghai')).toISOString(), '2026-04-02T01:00:00.000Z');
    // New York springs forward on 2026-03-08 at 02:00 (EST −5 → EDT −4) and falls back on 11-01.
    assert.equal(new Date(zonedToUtc('2026-03-08', 3600, 'America/New_York')).toISOString(), '2026-03-08T06:00:00.000Z');
    assert.equal(new Date(zonedToUtc('2026-03-08', 3 * 3600, 'America/New_York')).toISOString(), '2026-03-08T07:00:00.000Z');
    assert.equal(new Date(zonedToUtc('2026-11-01', 12 * 3600, 'America/New_York')).toISOString(), '2026-11-01T17:00:00.000Z');
    for (const [date, second, zone] of [['2026-03-08', 10 * 3600, 'America/New_York'], ['2026-10-25', 23 * 3600, 'Europe/Berlin'], ['2026-07-01', 0, 'Asia/Kolkata']] as const) {
      assert.deepEqual(localParts(zonedToUtc(date, second, zone), zone), { date, secondOfDay: second }, `${date} ${second} ${zone}`);
    }
  });

  it('calendar - days added across month ends, year ends and leap days; days between', () => {
    assert.equal(addDays('2026-04-30', 1), '2026-05-01');
    assert.equal(addDays('2026-03-01', -1), '2026-02-28');
    assert.equal(addDays('2028-02-28', 1), '2028-02-29');
    assert.equal(addDays('2026-12-31', 1), '2027-01-01');
    assert.equal(addDays('2026-04-10', 0), '2026-04-10');
    assert.equal(daysBetween('2026-02-27', '2026-03-02'), 3);
    assert.equal(daysBetween('2026-05-01', '2026-04-01'), -30);
  });

  it('calendar - only real dates written YYYY-MM-DD', () => {
    assert.deepEqual(
      ['2026-02-28', '2028-02-29', '2026-02-29', '2026-13-01', '2026-04-31', '2026-1-01', '2026-01-01T00:00', ''].map(isLocalDate),
      [true, true, false, false, false, false, false, false],
    );
  });
});
