/** The CLI's promise to scripts: 0 all processed, 1 some documents failed (still recorded), 2 usage error. */
export const EXIT_OK = 0;
export const EXIT_SOME_FAILED = 1;
export const EXIT_USAGE = 2;
