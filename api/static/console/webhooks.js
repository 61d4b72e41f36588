// The case register's webhook endpoints (admins): register, pause, test, deliveries.

export async function loadWebhooks() {}
