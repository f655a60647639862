/**
 * CustomResourceDefinitions: how a CRD is validated and served (resources, names and status,
 * OpenAPI, tables, scale), and how its custom objects are decoded, pruned, defaulted and
 * validated against the structural schema. Not yet: CEL rules (x-kubernetes-validations are
 * stored and published, not evaluated), conversion webhooks, selectableFields and ratcheting.
 *
 * @module
 */
export type { CustomResourceInfo, JSONSchemaProps, PrinterColumn, ScaleSubresource } from './types';
export { validateCustomObject } from './validate';
export { applySchemaDefaults, pruneUnknown, withSchemaDefaults } from './default';
export { structuralErrors } from './structural';
export { defaultCrd, validateCrd, validateCrdUpdate } from './validate-crd';
export { AGE_COLUMN, compareVersions, conditionTrue, CRD_CLEANUP_FINALIZER, crdResources } from './resource-info';
export { namedStatus, setCondition, TERMINATING } from './status';
export { customPrinter, evalJsonPath, parseJsonPath } from './table';
export { customOpenApiV2Definitions, customOpenApiV3Doc, definitionName } from './openapi';
export { customScaleOf, withCustomReplicas } from './scale';
export { decodeCustomObject } from './decode';
