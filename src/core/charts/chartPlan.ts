import type { ChartField } from './chartFields.js';
import { isSupportedAggregate } from './aggregateSql.js';
import type { BinOptions, Bins } from './niceBins.js';
import { filterConditionSql, type ResolvedColumn } from './predicateSql.js';
import { quoteIdentifier } from '../sql/sqlText.js';
import { parseTimeUnit, type TimeUnit } from './timeUnitSql.js';
import { isRecord, unsupported } from './unsupportedChart.js';
import { columnOfField, defaultFieldTitle, type TitleConfig } from './vegaLiteFields.js';

/**
 * A Vega-Lite unit spec read as a grouped aggregation: which columns group the rows (dimensions, some
 * binned or cut to time units), which measures are computed per group, which sort keys the discrete
 * axes need, and how to rewrite the encoding to plot the aggregated rows.
 */

export type Dimension =
  | { readonly kind: 'plain'; readonly column: ResolvedColumn; readonly out: string }
  | {
      readonly kind: 'bin';
      readonly column: ResolvedColumn;
      readonly options: BinOptions & { readonly anchor?: number };
      /** Given in the spec: no extent query needed. */
      readonly extent?: readonly [number, number];
      readonly out: string;
      readonly outEnd: string;
    }
  | { readonly kind: 'time'; readonly column: ResolvedColumn; readonly unit: TimeUnit; readonly out: string };

export interface Measure {
  readonly op: string;
  readonly column?: ResolvedColumn;
  readonly out: string;
}

/** A discrete axis sorted by a measure: op(column) over the rows of each of its values. */
export interface SortKey {
  readonly op: string;
  readonly column?: ResolvedColumn;
  /** The dimensions the axis shows; the key is the same for every aggregated row of one value. */
  readonly partition: readonly Dimension[];
  readonly out: string;
}

export interface ChartPlan {
  readonly dimensions: readonly Dimension[];
  readonly measures: readonly Measure[];
  readonly sortKeys: readonly SortKey[];
  /** SQL condition of the spec's filter transforms, if any. */
  readonly filter?: string;
  /** The output column that counts the source rows behind the chart (after its filters). */
  readonly sourceRows: string;
  /** The spec's encoding for the aggregated rows, once the bins are known. */
  readonly encode: (bins: ReadonlyMap<Dimension, Bins>) => Record<string, unknown>;
}

export interface PlanContext {
  readonly fields: readonly ChartField[];
  readonly timeZone: string;
}

const POSITION_PAIRS: Readonly<Record<string, string>> = { x: 'x2', y: 'y2' };
/** Channels that only extend another one: Vega-Lite takes their type from the main channel. */
const SECONDARY_CHANNELS = new Set(['x2', 'y2', 'theta2', 'radius2']);
const CHANNELS = new Set([
  'x',
  'y',
  'x2',
  'y2',
  'xOffset',
  'yOffset',
  'theta',
  'theta2',
  'radius',
  'radius2',
  'color',
  'fill',
  'stroke',
  'opacity',
  'fillOpacity',
  'strokeOpacity',
  'strokeWidth',
  'strokeDash',
  'size',
  'shape',
  'angle',
  'text',
  'tooltip',
  'detail',
  'order',
  'row',
  'column',
]);
const DISCRETE_TYPES = new Set(['nominal', 'ordinal']);
/** Marks Vega-Lite stacks by default: a sort without op then means sum, not min. */
const STACKING_MARKS = new Set(['bar', 'area', 'arc']);
const SUPPORTED_MARKS = new Set([
  'bar',
  'line',
  'area',
  'point',
  'circle',
  'square',
  'tick',
  'rect',
  'rule',
  'text',
  'arc',
  'trail',
]);

type Def = Record<string, unknown>;
type Resolve = (field: unknown) => ResolvedColumn;

/** A field definition of the encoding, with where it sits, so the rewrite can put its replacement back. */
interface Entry {
  readonly channel: string;
  readonly index?: number;
  readonly def: Def;
}

/** What the plan derives from each field definition: its measure, its dimension, its sort key. */
interface Derived {
  readonly names: OutputNames;
  readonly dimensions: Dimension[];
  readonly dimensionOf: Map<Def, Dimension>;
  readonly measures: Measure[];
  readonly measureOf: Map<Def, Measure>;
  readonly sortKeys: SortKey[];
  readonly sortOf: Map<Def, { key: SortKey; order: unknown }>;
}

const isMeasure = (def: Def) => def.aggregate !== undefined;

/**
 * How a single-view Vega-Lite chart is computed in Spark: its filters, dimensions (plain columns, bins,
 * time units), measures and sort keys, and how to rewrite its encoding over the aggregated columns.
 * Anything it cannot push down exactly is refused (`unsupported`), and the chart is drawn from rows.
 */
export function planChart(spec: Record<string, unknown>, context: PlanContext): ChartPlan {
  const { mark, encoding } = singleView(spec);
  const titleConfig = (isRecord(spec.config) ? spec.config : {}) as TitleConfig;
  const resolve = columnResolver(context);
  const filters = pushedFilters(spec, resolve, context.timeZone);
  const entries = fieldEntries(encoding);
  const derived: Derived = {
    names: new OutputNames(),
    dimensions: [],
    dimensionOf: new Map(),
    measures: [],
    measureOf: new Map(),
    sortKeys: [],
    sortOf: new Map(),
  };
  // Plain dimensions keep their column names, so they are named first; derived columns then avoid them.
  addPlainDimensions(entries, resolve, derived);
  addMeasuresAndDerivedDimensions(entries, encoding, resolve, derived);
  addSortKeys(entries, encoding, mark, resolve, derived);
  return {
    dimensions: derived.dimensions,
    measures: derived.measures,
    sortKeys: derived.sortKeys,
    filter: filters.length ? filters.map((f) => `(${f})`).join(' AND ') : undefined,
    sourceRows: derived.names.take('source_rows'),
    encode: (bins) => encodeOver(entries, encoding, bins, derived, titleConfig),
  };
}

/** The mark and encoding of a single-view chart with a mark Spark can aggregate for. */
function singleView(spec: Record<string, unknown>): { mark: string; encoding: Record<string, unknown> } {
  for (const composite of ['layer', 'hconcat', 'vconcat', 'concat', 'repeat', 'facet', 'spec'])
    if (composite in spec) unsupported(`only single-view charts are pushed down (this one has '${composite}')`);
  const mark = typeof spec.mark === 'string' ? spec.mark : isRecord(spec.mark) ? spec.mark.type : undefined;
  if (typeof mark !== 'string' || !SUPPORTED_MARKS.has(mark)) unsupported(`the mark ${JSON.stringify(mark)}`);
  if (!isRecord(spec.encoding)) unsupported('the chart has no encoding');
  return { mark, encoding: spec.encoding };
}

/** A field of the spec as a column of the result (exactly one, by name). */
function columnResolver(context: PlanContext): Resolve {
  return (field) => {
    if (typeof field !== 'string') unsupported(`the field ${JSON.stringify(field)} is not a column name`);
    const name = columnOfField(field);
    if (name === undefined) unsupported(`the field '${field}' is a nested path`);
    const matches = context.fields.filter((f) => f.name === name);
    if (matches.length === 0) unsupported(`the result has no column '${name}'`);
    if (matches.length > 1) unsupported(`the result has ${matches.length} columns named '${name}'`);
    return { field: matches[0]!, sql: quoteIdentifier(name) };
  };
}

/** The spec's filter transforms as SQL conditions (no other transform is pushed down). */
function pushedFilters(spec: Record<string, unknown>, resolve: Resolve, timeZone: PlanContext['timeZone']): string[] {
  const filters: string[] = [];
  if (spec.transform === undefined) return filters;
  if (!Array.isArray(spec.transform)) unsupported('transform must be an array');
  for (const transform of spec.transform) {
    if (!isRecord(transform) || Object.keys(transform).length !== 1 || !('filter' in transform))
      unsupported(`only filter transforms are pushed down, not ${JSON.stringify(transform)}`);
    filters.push(filterConditionSql(transform.filter, { resolve, timeZone }));
  }
  return filters;
}

/** Every field definition of the encoding; at least one must aggregate. */
function fieldEntries(encoding: Record<string, unknown>): Entry[] {
  const entries: Entry[] = [];
  for (const [channel, value] of Object.entries(encoding)) {
    if (!CHANNELS.has(channel)) unsupported(`the ${channel} channel`);
    if (Array.isArray(value)) {
      if (channel !== 'tooltip' && channel !== 'detail') unsupported(`an array on the ${channel} channel`);
      value.forEach((def, index) => entries.push({ channel, index, def: asDef(def, channel) }));
    } else if (value !== null && value !== undefined) {
      entries.push({ channel, def: asDef(value, channel) });
    }
  }
  if (!entries.some((e) => isMeasure(e.def)))
    unsupported('the chart draws one mark per row (no aggregate): there is nothing for Spark to aggregate');
  return entries;
}

function addPlainDimensions(entries: readonly Entry[], resolve: Resolve, derived: Derived): void {
  for (const { def } of entries)
    if (def.field !== undefined && !isMeasure(def) && !isBinning(def.bin) && !isTimeUnitToApply(def.timeUnit)) {
      const column = resolve(def.field);
      let dim = derived.dimensions.find((d) => d.kind === 'plain' && d.column.field === column.field);
      if (!dim) derived.dimensions.push((dim = { kind: 'plain', column, out: derived.names.keep(column.field.name) }));
      derived.dimensionOf.set(def, dim);
    }
}

function addMeasuresAndDerivedDimensions(
  entries: readonly Entry[],
  encoding: Record<string, unknown>,
  resolve: Resolve,
  derived: Derived,
): void {
  const { names, dimensions, dimensionOf, measures, measureOf } = derived;
  for (const { channel, def } of entries) {
    if (isMeasure(def)) {
      const op = def.aggregate;
      if (typeof op !== 'string') unsupported('argmin and argmax return whole rows, which are not pushed down');
      if (!isSupportedAggregate(op)) unsupported(`the aggregate ${op}`);
      if (isBinning(def.bin) || def.timeUnit !== undefined) unsupported(`an aggregate with a bin or time unit on ${channel}`);
      const column = op === 'count' ? undefined : resolve(def.field);
      let measure = measures.find((m) => m.op === op && m.column?.field === column?.field);
      if (!measure) measures.push((measure = { op, column, out: names.take(column ? `${op}_${column.field.name}` : op) }));
      measureOf.set(def, measure);
    } else if (isBinning(def.bin)) {
      if (!(channel in POSITION_PAIRS)) unsupported(`a bin on the ${channel} channel`);
      if (encoding[POSITION_PAIRS[channel]!] !== undefined)
        unsupported(`a bin on ${channel} together with ${POSITION_PAIRS[channel]}`);
      const column = resolve(def.field);
      if (column.field.type !== 'quantitative') unsupported(`a bin on ${column.field.name}, which is not a number`);
      if (def.type !== undefined && def.type !== 'quantitative') unsupported(`a bin on a ${String(def.type)} axis`);
      const { options, extent } = binOptions(def.bin);
      const out = names.take(`bin_${column.field.name}`);
      // Vega-Lite finds a bin's end by the "_end" suffix when it sizes thin bars; keep the pair together.
      const dim: Dimension = { kind: 'bin', column, options, extent, out, outEnd: names.take(`${out}_end`) };
      dimensions.push(dim);
      dimensionOf.set(def, dim);
    } else if (isTimeUnitToApply(def.timeUnit)) {
      const column = resolve(def.field);
      if (column.field.type !== 'temporal') unsupported(`a time unit on ${column.field.name}, which is not a date`);
      const unit = parseTimeUnit(def.timeUnit);
      if (typeof unit === 'string') unsupported(unit);
      const name = `${unit.utc ? 'utc' : ''}${unit.parts.join('')}${unit.step > 1 ? `_step_${unit.step}` : ''}_${column.field.name}`;
      const dim: Dimension = { kind: 'time', column, unit, out: names.take(name) };
      dimensions.push(dim);
      dimensionOf.set(def, dim);
    }
  }
}

/** A discrete axis sorted by an aggregate ("by the largest total"): computed in Spark per dimension. */
function addSortKeys(
  entries: readonly Entry[],
  encoding: Record<string, unknown>,
  mark: string,
  resolve: Resolve,
  derived: Derived,
): void {
  for (const { channel, def } of entries) {
    const dim = derived.dimensionOf.get(def);
    const sort = def.sort;
    if (!dim || sort === undefined || sort === null || typeof sort === 'boolean' || Array.isArray(sort)) continue;
    if (sort === 'ascending' || sort === 'descending') continue;
    if (!DISCRETE_TYPES.has(typeof def.type === 'string' ? def.type : 'nominal')) continue;
    const { op, field, order } = sortTarget(sort, encoding, STACKING_MARKS.has(mark) || hasExplicitStack(encoding));
    if (!isSupportedAggregate(op)) unsupported(`sorting ${channel} by the aggregate ${op}`);
    const column = field === undefined || op === 'count' ? undefined : resolve(field);
    const key: SortKey = { op, column, partition: [dim], out: derived.names.take(`sort_${channel}`) };
    derived.sortKeys.push(key);
    derived.sortOf.set(def, { key, order });
  }
}

/** The encoding over the aggregated columns: measures, bins and time units as Vega-Lite reads them pre-computed. */
function encodeOver(
  entries: readonly Entry[],
  encoding: Record<string, unknown>,
  bins: ReadonlyMap<Dimension, Bins>,
  derived: Derived,
  titleConfig: TitleConfig,
): Record<string, unknown> {
  const result: Record<string, unknown> = { ...encoding };
  const put = (channel: string, index: number | undefined, def: Def) => {
    if (index === undefined) result[channel] = def;
    else {
      const list = [...(result[channel] as unknown[])];
      list[index] = def;
      result[channel] = list;
    }
  };
  for (const { channel, index, def } of entries) {
    const measure = derived.measureOf.get(def);
    const dim = derived.dimensionOf.get(def);
    const sorted = derived.sortOf.get(def);
    const sort = sorted ? { sort: { field: sorted.key.out, op: 'max', ...(sorted.order ? { order: sorted.order } : {}) } } : {};
    if (measure) {
      const { aggregate: _aggregate, field: _field, ...rest } = def;
      put(channel, index, {
        ...rest,
        field: measure.out,
        ...(SECONDARY_CHANNELS.has(channel) ? {} : { type: def.type ?? 'quantitative' }),
        title: def.title ?? defaultFieldTitle(titleOf(def), titleConfig),
        ...sort,
      });
    } else if (dim?.kind === 'bin') {
      const { bin: _bin, field: _field, ...rest } = def;
      const range = bins.get(dim)!;
      const scale = isRecord(def.scale) ? def.scale : {};
      put(channel, index, {
        ...rest,
        field: dim.out,
        type: 'quantitative',
        bin: { binned: true, step: range.step },
        title: def.title ?? defaultFieldTitle(titleOf(def), titleConfig),
        // Vega-Lite's own domain for a bin is [start, stop] of the bins, not the extent of the data.
        scale: { ...scale, domain: scale.domain ?? [range.start, range.stop] },
      });
      result[POSITION_PAIRS[channel]!] = { field: dim.outEnd };
    } else if (dim?.kind === 'time') {
      const { timeUnit, field: _field, ...rest } = def;
      const params = isRecord(timeUnit) ? timeUnit : { unit: timeUnit };
      put(channel, index, {
        ...rest,
        field: dim.out,
        type: def.type ?? 'temporal',
        timeUnit: { ...params, binned: true },
        title: def.title ?? defaultFieldTitle(titleOf(def), titleConfig),
        ...sort,
      });
    } else if (dim) {
      put(channel, index, { ...def, ...sort });
    }
  }
  return result;
}

function asDef(value: unknown, channel: string): Record<string, unknown> {
  if (!isRecord(value)) unsupported(`the ${channel} channel definition`);
  if ('condition' in value) unsupported(`a condition on the ${channel} channel`);
  if (isRecord(value.field)) unsupported(`a ${Object.keys(value.field).join('/')} field reference on ${channel}`);
  return value;
}

function titleOf(def: Record<string, unknown>) {
  const timeUnit = def.timeUnit;
  const unit =
    typeof timeUnit === 'string' ? timeUnit : isRecord(timeUnit) && typeof timeUnit.unit === 'string' ? timeUnit.unit : undefined;
  return {
    field: typeof def.field === 'string' ? def.field : undefined,
    aggregate: typeof def.aggregate === 'string' ? def.aggregate : undefined,
    bin: def.bin,
    timeUnit: unit,
  };
}

/** A bin Spark has to compute: not absent or false, and not data that is binned already. */
function isBinning(bin: unknown): boolean {
  if (bin === undefined || bin === null || bin === false || bin === 'binned') return false;
  return !(isRecord(bin) && bin.binned === true);
}

function isTimeUnitToApply(timeUnit: unknown): boolean {
  if (timeUnit === undefined || timeUnit === null) return false;
  if (typeof timeUnit === 'string') return !timeUnit.startsWith('binned');
  return !(isRecord(timeUnit) && timeUnit.binned === true);
}

function binOptions(bin: unknown): { options: BinOptions & { anchor?: number }; extent?: readonly [number, number] } {
  // Vega-Lite passes maxbins 10 for x and y (its autoMaxBins) when the spec sets none.
  if (bin === true) return { options: { extent: [0, 0], maxbins: 10 } };
  if (!isRecord(bin)) unsupported(`the bin ${JSON.stringify(bin)}`);
  const known = new Set(['maxbins', 'step', 'steps', 'minstep', 'divide', 'base', 'nice', 'anchor', 'extent']);
  for (const key of Object.keys(bin)) if (!known.has(key)) unsupported(`the bin parameter ${key}`);
  const numberOrUndefined = (key: string): number | undefined => {
    const value = bin[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) unsupported(`the bin ${key} ${JSON.stringify(value)}`);
    return value;
  };
  const numbers = (key: string): number[] | undefined => {
    const value = bin[key];
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'number' && Number.isFinite(v)))
      unsupported(`the bin ${key} ${JSON.stringify(value)}`);
    return value as number[];
  };
  const extent = numbers('extent');
  if (extent && extent.length !== 2) unsupported('a bin extent needs [min, max]');
  if (bin.nice !== undefined && typeof bin.nice !== 'boolean') unsupported('the bin nice flag must be true or false');
  return {
    options: {
      extent: [0, 0],
      maxbins: numberOrUndefined('maxbins') ?? 10,
      step: numberOrUndefined('step'),
      steps: numbers('steps'),
      minstep: numberOrUndefined('minstep'),
      divide: numbers('divide'),
      base: numberOrUndefined('base'),
      nice: bin.nice as boolean | undefined,
      anchor: numberOrUndefined('anchor'),
    },
    extent: extent as [number, number] | undefined,
  };
}

function hasExplicitStack(encoding: Record<string, unknown>): boolean {
  return Object.values(encoding).some(
    (def) => isRecord(def) && def.stack !== undefined && def.stack !== null && def.stack !== false,
  );
}

/**
 * The aggregate a discrete axis is sorted by, as Vega-Lite's domainSort picks it: a sort field's op
 * (default min, or sum for a stacked measure), or the op and field of the encoding named by "-y".
 */
function sortTarget(
  sort: unknown,
  encoding: Record<string, unknown>,
  mayStack: boolean,
): { op: string; field: unknown; order: unknown } {
  let byEncoding: string | undefined;
  let order: unknown;
  if (typeof sort === 'string') {
    byEncoding = sort.startsWith('-') ? sort.slice(1) : sort;
    order = sort.startsWith('-') ? 'descending' : undefined;
  } else if (isRecord(sort) && typeof sort.encoding === 'string') {
    byEncoding = sort.encoding;
    order = sort.order;
  } else if (isRecord(sort) && sort.field !== undefined) {
    if (sort.op === undefined && mayStack) unsupported('a sort field without op on a chart that may stack (sum or min)');
    return { op: typeof sort.op === 'string' ? sort.op : 'min', field: sort.field, order: sort.order };
  } else if (isRecord(sort) && typeof sort.op === 'string') {
    return { op: sort.op, field: undefined, order: sort.order };
  } else {
    return unsupported(`the sort ${JSON.stringify(sort)}`);
  }
  const target = encoding[byEncoding];
  if (!isRecord(target)) unsupported(`sorting by the ${byEncoding} channel, which has no field`);
  if (typeof target.aggregate === 'string') return { op: target.aggregate, field: target.field, order };
  if (isBinning(target.bin) || isTimeUnitToApply(target.timeUnit)) unsupported(`sorting by the derived ${byEncoding} channel`);
  if (mayStack) unsupported(`sorting by the ${byEncoding} channel of a chart that may stack (sum or min)`);
  return { op: 'min', field: target.field, order };
}

/**
 * Output column names. Plain dimensions keep their exact names (the spec's field strings stay valid);
 * derived names are made of letters, digits and _ (no Vega-Lite path syntax) and avoid every other
 * name ignoring case, as Spark resolves names that way.
 */
class OutputNames {
  private readonly taken = new Set<string>();

  keep(name: string): string {
    this.taken.add(name.toLowerCase());
    return name;
  }

  take(wanted: string): string {
    const base = wanted.replace(/[^A-Za-z0-9_]/g, '_');
    let name = base;
    for (let n = 2; this.taken.has(name.toLowerCase()); n++) name = `${base}_${n}`;
    this.taken.add(name.toLowerCase());
    return name;
  }
}
