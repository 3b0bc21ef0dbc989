export * from "./accounts.ts";
export * from "./oauth.ts";
export * from "./statuses.ts";
export * from "./social.ts";
export * from "./timelines.ts";
export * from "./filters.ts";
export * from "./instance.ts";
export * from "./federation.ts";
