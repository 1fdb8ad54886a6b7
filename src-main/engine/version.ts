/** The engine's version, as the CLI and `system.info` report it. */
export const ENGINE_VERSION = '0.1.0';
