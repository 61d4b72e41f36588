// Saved replies per queue and language: the list an admin keeps.

export async function loadReplies() {}
