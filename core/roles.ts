/**
 * The roles a person or an API token has, in one place: admin (everything), engineer (the
 * network: devices, incidents, alerts), analyst (the numbers grant writers sign), planner
 * (coverage and the next neighborhoods). 'public' is no role: the scope of a caller without one.
 */
export const ROLES = ['admin', 'engineer', 'analyst', 'planner'] as const
export type Role = (typeof ROLES)[number]
