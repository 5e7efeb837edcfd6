/** The SSRF guard lives in src/net (the build agent's git sources use it too); research imports it from here. */
export * from '../../src/net/url-safety.js';
