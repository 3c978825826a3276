/**
 * An InfluxQL panel target for Grafana's InfluxDB datasource. The foundation SDK (0.0.21)
 * has no InfluxDB query builder, so this one builds the raw-query form Grafana's InfluxDB
 * query editor saves (`rawQuery: true`, `query`, `resultFormat`), typed as the SDK's
 * `cog.Dataquery` so `PanelBuilder.withTarget` accepts it and tsc checks the panel.
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog'
import type * as common from '@grafana/grafana-foundation-sdk/common'

/** What Grafana's InfluxDB datasource stores for a raw InfluxQL target. */
export interface InfluxQlQuery extends cog.Dataquery {
  refId: string
  datasource: common.DataSourceRef
  query: string
  rawQuery: true
  /** time_series: one frame per series; table: one row per series and time */
  resultFormat: 'time_series' | 'table'
  /** legend text, with $tag_<name> for a GROUP BY tag */
  alias?: string
}

/** Builds one InfluxQL target; `build()` gives the JSON Grafana saves for it. */
export class InfluxQlBuilder implements cog.Builder<cog.Dataquery> {
  private readonly internal: Omit<InfluxQlQuery, '_implementsDataqueryVariant'>

  constructor(datasource: common.DataSourceRef, refId: string, query: string) {
    this.internal = { refId, datasource, query, rawQuery: true, resultFormat: 'time_series' }
  }

  /** The legend text, e.g. '$tag_neighborhood'. */
  alias(alias: string): this {
    this.internal.alias = alias
    return this
  }

  /** One row per series and time (table panels), instead of one frame per series. */
  table(): this {
    this.internal.resultFormat = 'table'
    return this
  }

  build(): InfluxQlQuery {
    // the marker method is how the SDK types a datasource query; JSON.stringify drops it
    return { ...this.internal, _implementsDataqueryVariant() {} }
  }
}
