// The home page's figures (`GET /monitor/overview`, label perm:monitor:get), over the types
// generated from the backend's OpenAPI document (`make api-types`).
import { api, type Schemas } from '@/api/client'

export type Overview = Schemas['OverviewOut']
export type DayFigure = Schemas['DayFigureOut']
export type GroupFigure = Schemas['GroupFigureOut']

/** Logins and job runs per day (30 days, the server's timezone), sessions now, users per role
 * and per department (the caller's data scope; the ten largest, then "others"). */
export function getOverview() {
  return api.get('/monitor/overview')
}
