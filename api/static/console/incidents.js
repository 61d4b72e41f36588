// Incidents (driftsmeddelanden): publish, update and resolve; link the tickets
// they cause; tickets per incident on the dashboard.

export async function loadIncidents() {}

export async function loadIncidentDashboard() {}
