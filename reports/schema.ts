/**
 * The Report: one JSON document that every renderer (JSON, CSV, HTML, PDF) and every door
 * (CLI, API, page) shows. A TypeBox schema, so the same definition types the code,
 * validates in tests and documents the API (/docs). Field meanings: docs/REPORTS.md,
 * "Data dictionary". Every figure that cannot be computed is null, and method.reasons says
 * why under the figure's path ('neighborhoods.downtown.deviceDays', 'total.uniqueClientsPeriod').
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox'

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()])
const Num = (description: string) => Nullable(Type.Number({ description }))
const Int = (description: string) => Nullable(Type.Integer({ description }))

export const ReportRow = Type.Object(
  {
    id: Type.String({ description: "neighborhood id; 'total' for the total row" }),
    name: Type.String(),
    served: Type.Boolean({ description: "the city's Wi-Fi serves it (total: any of them)" }),
    aps: Type.Integer({ description: 'access points in the inventory' }),
    uniqueClientsDailyAvg: Num('mean over the measured days of the daily unique devices'),
    deviceDays: Int('sum over the days of the daily unique devices'),
    uniqueClientsPeriod: Int('distinct devices over the whole period (month or quarter periods only)'),
    randomizedShare: Num('share (0..1) of device-days with a randomized (locally administered) MAC'),
    uniqueClientsMissBound: Num('share (0..1) of the true unique devices polling may miss: the truth lies in [deviceDays, deviceDays / (1 - bound)]'),
    bytes: Int('client traffic, both directions, bytes'),
    gbPerDeviceDay: Num('bytes / 10^9 / deviceDays'),
    peakConcurrentClients: Int('the most clients associated at one poll instant (summed over the APs)'),
    availabilityPct: Num('time-weighted share of the APs up, of the time observed, percent'),
    availabilityTargetMet: Nullable(Type.Boolean({ description: 'availabilityPct >= method.availabilityTarget.pct' })),
    outageMinutes: Num('AP-minutes down (an outage of 2 APs for 10 minutes is 20)'),
    outages: Type.Integer({ description: 'outages (runs of failed polls of one AP) in the period' }),
    meanTimeToRestoreMinutes: Num('mean length of the outages restored in the period, minutes'),
    observedPct: Num("share of the APs' time in the period that polls observed, percent"),
    population: Int('residents (ACS 2019-2023)'),
    households: Int('households (ACS 2019-2023)'),
    householdsWithoutBroadband: Int('households without a broadband subscription (ACS 2019-2023)'),
  },
  { additionalProperties: false },
)
export type ReportRow = Static<typeof ReportRow>

const PerNeighborhood = Type.Record(Type.String(), Nullable(Type.Number()))

export const ReportDayRow = Type.Object(
  {
    date: Type.String({ description: 'local date' }),
    bytes: PerNeighborhood,
    peakConcurrentClients: PerNeighborhood,
    uniqueClients: PerNeighborhood,
  },
  { additionalProperties: false },
)

export const AccessPointRow = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    neighborhood: Type.String(),
    bytes: Int('client traffic, bytes'),
    availabilityPct: Num('share of the observed time the AP answered, percent'),
    outageMinutes: Num('minutes down'),
    outages: Type.Integer(),
    meanTimeToRestoreMinutes: Num('mean length of its restored outages'),
    observedPct: Num('share of the period observed, percent'),
  },
  { additionalProperties: false },
)

export const Report = Type.Object(
  {
    title: Type.String(),
    city: Type.String(),
    period: Type.Object(
      {
        from: Type.String({ description: 'first day (local), inclusive' }),
        to: Type.String({ description: 'last day (local), inclusive' }),
        kind: Type.Union([Type.Literal('range'), Type.Literal('quarter'), Type.Literal('year')]),
        name: Type.String({ description: "'2026Q3', '2026', or '' for a range" }),
        label: Type.String(),
        days: Type.Integer(),
        timeZone: Type.String(),
        startsAt: Type.String({ description: 'the first instant, ISO 8601 UTC' }),
        endsAt: Type.String({ description: 'the instant after the last day, ISO 8601 UTC (exclusive)' }),
        open: Type.Boolean({ description: 'true while the period has not ended: its figures run to generatedAt and will change' }),
      },
      { additionalProperties: false },
    ),
    generatedAt: Type.String({ description: "the instant the report's data runs to (the period's end, or now while it is open), ISO 8601 UTC; not the wall-clock time of the run" }),
    dataVersion: Type.String({ description: "the inventory version and a digest of every store answer the report read: 'i<version>.<16 hex>'" }),
    method: Type.Object(
      {
        timeZone: Type.String(),
        periodRule: Type.String(),
        neighborhoodsAsked: Type.Union([Type.Literal('all'), Type.Array(Type.String())]),
        uniqueClients: Type.String(),
        uniqueClientsSource: Type.String(),
        pollIntervalMs: Type.Integer(),
        historyStepMs: Nullable(Type.Integer()),
        instantMs: Type.Integer(),
        missBound: Num("share (0..1) of the true unique devices the total's count may miss (total.uniqueClientsMissBound)"),
        calibration: Nullable(Type.String()),
        randomizedShare: Num('share (0..1) of the total device-days with randomized MACs'),
        availabilityTarget: Type.Object(
          {
            pct: Type.Number(),
            basis: Type.String(),
            allowedOutageMinutes: Type.Number({ description: 'per AP over the period: the target as minutes of outage' }),
          },
          { additionalProperties: false },
        ),
        bytes: Type.String(),
        peakConcurrentClients: Type.String(),
        availability: Type.String(),
        events: Type.Object({ deviceDown: Type.Integer(), deviceUp: Type.Integer() }, { additionalProperties: false }),
        dataStartsAt: Nullable(Type.String({ description: "the clock hour of the first poll of these APs, when it falls inside the period (APs added, or the data begins, after the period's start); null when polls go back to before the period" })),
        reads: Type.Integer({ description: 'store questions the report asked' }),
        notes: Type.Array(Type.String()),
        reasons: Type.Record(Type.String(), Type.String(), { description: "why each null figure is null, by path ('total.deviceDays')" }),
      },
      { additionalProperties: false },
    ),
    neighborhoods: Type.Array(ReportRow),
    total: ReportRow,
    daily: Type.Array(ReportDayRow),
    hourOfDay: Type.Object(
      { averageConcurrentClients: Type.Record(Type.String(), Type.Array(Nullable(Type.Number()))) },
      { additionalProperties: false, description: "local hours 0..23: mean concurrent clients; keys are neighborhood ids and 'total'" },
    ),
    accessPoints: Type.Array(AccessPointRow),
  },
  { additionalProperties: false },
)
export type Report = Static<typeof Report>
