import { describe, expect, it } from 'vitest';
import { findDates, normaliseDate, parseDateWithFormat } from './normalise-date.ts';
import { detectLocale } from './detect-locale.ts';

describe('normaliseDate', () => {
  it.each([
    ['25/12/2018', '2018-12-25'],
    ['25-12-2018', '2018-12-25'],
    ['2024.03.04', '2024-03-04'],
    ['2018-01-05', '2018-01-05'],
    ['4 Mar 2024', '2024-03-04'],
    ['Dec 25, 2018', '2018-12-25'],
    ['December 25th, 2018', '2018-12-25'],
    ['25 déc. 2018', '2018-12-25'],
    ['25. Dezember 2018', '2018-12-25'],
    ['7. Mai 2014', '2014-05-07'],
    ['19 april 2014', '2014-04-19'],
    ['02 Juillet 2015', '2015-07-02'],
    ['15-JAN-18', '2018-01-15'],
    ['12 MAC 2018', '2018-03-12'],
    ['25/12/18', '2018-12-25'],
    ['03/20/2023', '2023-03-20'],
    ['25/12/2O18', '2018-12-25'],
    ['O7/01/18', '2018-01-07'],
    ['7 de marzo de 2023', '2023-03-07'],
    ['12 gennaio 2023', '2023-01-12'],
    ['DATE: 2804/2017', '2017-04-28'],
  ])('%s → %s', (raw, want) => {
    expect(normaliseDate(raw)).toBe(want);
  });

  it('reads ambiguous numeric dates by the locale and says so', () => {
    const [dmy] = findDates('03/04/2024', 'DMY');
    expect(dmy).toMatchObject({ iso: '2024-04-03', ambiguous: true });
    expect(dmy!.note).toContain('day first');
    expect(findDates('03/04/2024', 'MDY')[0]!.iso).toBe('2024-03-04');
    expect(findDates('03/04/2024')[0]!.note).toContain('no locale cue');
  });

  it('rejects impossible dates and phone numbers', () => {
    expect(normaliseDate('31/02/2018')).toBeNull();
    expect(findDates('TEL: 03-7805 7889')).toEqual([]);
    expect(findDates('1300-80-8888')).toEqual([]);
  });

  it('parses with explicit formats', () => {
    expect(parseDateWithFormat('20-10-2015', '%d-%m-%Y')).toBe('2015-10-20');
    expect(parseDateWithFormat('02 Juillet 2015', '%d %B %Y')).toBe('2015-07-02');
    expect(parseDateWithFormat('10/20/15', '%m/%d/%y')).toBe('2015-10-20');
  });
});

describe('detectLocale', () => {
  it('uses other unambiguous dates in the document', () => {
    expect(detectLocale('Invoice date 03/04/2024\nDelivered 25/03/2024').dateOrder).toBe('DMY');
    expect(detectLocale('Invoice date 03/04/2024\nDue 03/20/2024').dateOrder).toBe('MDY');
  });
  it('uses currency, language and country cues', () => {
    expect(detectLocale('Total RM 9.00\nSDN BHD').dateOrder).toBe('DMY');
    expect(detectLocale('Rechnungsdatum 03.04.2024\nGesamtbetrag 12,00 €').dateOrder).toBe('DMY');
    const us = detectLocale('Fremont CA 94538\nUnited States\nTotal USD 10.00');
    expect(us.dateOrder).toBe('MDY');
    expect(us.evidence.join(' ')).toContain('United States');
    expect(detectLocale('nothing here').dateOrder).toBe('unknown');
  });
  it('detects the decimal separator', () => {
    expect(detectLocale('€ 1.234,50 and 12,00').decimal).toBe(',');
    expect(detectLocale('$ 1,234.50').decimal).toBe('.');
  });
});

describe('dates with a dash OCR spaced on one side', () => {
  it('reads "15- JAN-2023" and "1 -June 2023", and still no date from a range "June 1 - June 30"', () => {
    expect(findDates('Date: 15- JAN-2023').map((d) => d.iso)).toEqual(['2023-01-15']);
    expect(findDates('Datum 1 -June 2023').map((d) => d.iso)).toEqual(['2023-06-01']);
    expect(findDates('Period June 1 - June 30').map((d) => d.iso)).toEqual([]);
  });
});
