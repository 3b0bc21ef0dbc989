export const CARACOL_VERSION = "0.1.0";
/** The Mastodon API level we implement; clients read it to decide which endpoints to use. */
export const MASTODON_COMPAT = "4.4.0";
export const VERSION_STRING = `${MASTODON_COMPAT} (compatible; Caracol ${CARACOL_VERSION})`;
export const SOURCE_URL = "https://codeberg.org/caracol/caracol";
