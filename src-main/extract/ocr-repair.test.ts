import { describe, expect, it } from 'vitest';
import { repairLabels, repairLegalForm } from './ocr-repair.ts';

describe('repairLabels', () => {
  it.each([
    ['Tota! Incl. of GST   15.90', 'total Incl. of GST   15.90'],
    ['T0TAL: 9.00', 'TOTAL: 9.00'],
    ['Tata1 5.00', 'total 5.00'],
    ['AM0UNT 3.00', 'AMOUNT 3.00'],
  ])('%j → %j', (raw, want) => {
    expect(repairLabels(raw)).toBe(want);
    expect(repairLabels(raw)).toHaveLength(raw.length);
  });
  it.each(['Totaal € 717,97', 'Subtotaal € 717,97', 'SERVICE CHARGE 10%', 'Exclusief BTW', 'Potato 1.00', 'Totally 2.00'])('leaves real words alone: %j', (raw) => {
    expect(repairLabels(raw).toLowerCase()).toBe(raw.toLowerCase());
  });
});

describe('repairLegalForm', () => {
  it.each([
    ['MR D.I.Y. (M) SON BHD', 'MR D.I.Y. (M) SDN BHD'],
    ['POPULAR BOOK CO. (M) SDN BAD', 'POPULAR BOOK CO. (M) SDN BHD'],
    ['KMF FOODICIOUS S0N BND', 'KMF FOODICIOUS SDN BHD'],
    ['Kmf Foodicious Son Bhd', 'Kmf Foodicious Sdn Bhd'],
    ['SONY BHD', 'SONY BHD'],
    ['99 SPEED MART 5/B (519537-X)', '99 SPEED MART S/B (519537-X)'],
    ['SOON FATT S/R', 'SOON FATT S/B'],
  ])('%s → %s', (raw, want) => {
    expect(repairLegalForm(raw)).toBe(want);
  });
});
