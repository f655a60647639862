/**
 * The room's kube API from the browser: a `KubeClient` over `fetch`, shared reactive informers
 * for the views, and kubectl's node maintenance verbs.
 *
 * @module
 */
export { FetchKubeClient, type FetchClientOptions } from './fetch-client';
export { JsonLineSplitter } from './json-lines';
export { apiErrorOf } from './errors';
export { resourcePath, query } from './paths';
export { RestKubeClient, PATCH_TYPES, watchQuery } from './rest-client';
export { UI_RESOURCES } from './resources';
export { setCordoned, planDrain, drainNode, DRAIN, type DrainOptions, type DrainPlan } from './drain';
