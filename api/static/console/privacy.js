// Retention and erasure (admins): the periods in force, the last runs, erasure requests.

export async function loadPrivacy() {}
