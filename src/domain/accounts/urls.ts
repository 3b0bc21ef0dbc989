// Where local accounts and statuses live. ActivityPub ids are fixed at creation: they must
// never change, so they are built here and nowhere else.
export const accountUri = (origin: string, username: string) => `${origin}/users/${username}`;
export const accountUrl = (origin: string, username: string) => `${origin}/@${username}`;
export const accountInbox = (origin: string, username: string) => `${origin}/users/${username}/inbox`;
export const sharedInbox = (origin: string) => `${origin}/inbox`;
export const accountFollowers = (origin: string, username: string) => `${origin}/users/${username}/followers`;
export const statusUri = (origin: string, username: string, id: string) => `${origin}/users/${username}/statuses/${id}`;
export const statusUrl = (origin: string, username: string, id: string) => `${origin}/@${username}/${id}`;
export const defaultAvatarUrl = (origin: string) => `${origin}/static/avatar.png`;
export const defaultHeaderUrl = (origin: string) => `${origin}/static/header.png`;
