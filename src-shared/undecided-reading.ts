/**
 * A value that is one of two readings nothing on the page decides between (a date whose day and month could swap, with
 * no locale cue): the extractor says so in the field's note, and calibration, fitted on documents that always had a
 * cue, must not raise its confidence into the auto-approval range.
 */
export const UNDECIDED_READING = 'no cue decides between the readings';

export function isUndecidedReading(note: string | undefined): boolean {
  return note?.includes(UNDECIDED_READING) ?? false;
}
