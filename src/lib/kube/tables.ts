/**
 * `Table` responses (meta.k8s.io/v1), what kube-apiserver sends when kubectl asks for
 * `application/json;as=Table;v=v1;g=meta.k8s.io`: column definitions and one row per object,
 * each row carrying the object as PartialObjectMetadata (the default), whole, or not at all.
 *
 * @module
 */
import { apiVersionOf } from './kinds';
import { COLUMNS, DEFAULT_COLUMNS, type TableColumnDefinition } from './table-columns';
import { defaultRow, ROWS, type RowPrinter } from './table-rows';
import type { RowCondition } from './table-pod';
import { customPrinter, type CustomResourceInfo } from './crd';

export type { TableColumnDefinition } from './table-columns';

type Obj = Record<string, unknown>;

/** `includeObject`: what each row carries. */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableRow {
	cells: unknown[];
	conditions?: RowCondition[];
	object?: unknown;
}

export interface Table {
	kind: 'Table';
	apiVersion: 'meta.k8s.io/v1';
	metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
	columnDefinitions?: TableColumnDefinition[];
	rows: TableRow[];
}

export interface Printer {
	columns: () => TableColumnDefinition[];
	row: RowPrinter;
}

/** The printer of a kind (`apps/v1`, `Deployment`); kube's default table for kinds without one. */
export function printerFor(apiVersion: string, kind: string): Printer {
	const key = `${apiVersion}/${kind}`;
	// events.k8s.io Events print through the core Event printer (same internal type in kube).
	return key in COLUMNS ? { columns: COLUMNS[key], row: ROWS[key] } : { columns: DEFAULT_COLUMNS, row: defaultRow };
}

/** The object a row carries, per `includeObject`. */
export function rowObject(obj: Obj, include: IncludeObject): unknown {
	if (include === 'None') return undefined;
	if (include === 'Object') return obj;
	return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata ?? {} };
}

export interface TableOptions {
	include: IncludeObject;
	/** Leave out the column definitions (watch events after the first). */
	noHeaders?: boolean;
	now: number;
	/** The printed form of each object when it differs from the served one (events.k8s.io → core). */
	printable?: (obj: Obj, index: number) => Obj;
}

/** A Table of `objects` (served as `apiVersion/kind`). */
export function buildTable(
	info: { group: string; version: string; kind: string; custom?: CustomResourceInfo },
	objects: Obj[],
	meta: Table['metadata'],
	opts: TableOptions
): Table {
	const printed = opts.printable ? { apiVersion: 'v1', kind: info.kind } : { apiVersion: apiVersionOf(info), kind: info.kind };
	const printer = info.custom ? customPrinter(info.custom.columns) : printerFor(printed.apiVersion, printed.kind);
	const rows: TableRow[] = objects.map((o, i) => {
		const r = printer.row(opts.printable ? opts.printable(o, i) : o, opts.now);
		const row: TableRow = { cells: r.cells };
		if (r.conditions) row.conditions = r.conditions;
		const object = rowObject(o, opts.include);
		if (object !== undefined) row.object = object;
		return row;
	});
	const table: Table = { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: meta, rows };
	if (!opts.noHeaders) table.columnDefinitions = printer.columns();
	return { kind: table.kind, apiVersion: table.apiVersion, metadata: meta, ...(table.columnDefinitions ? { columnDefinitions: table.columnDefinitions } : {}), rows };
}
