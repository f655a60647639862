/**
 * The shapes apiextensions.k8s.io/v1 uses: JSONSchemaProps (a CRD version's openAPIV3Schema),
 * printer columns, the scale subresource, and what a served custom resource carries in its
 * ResourceInfo (`custom`).
 *
 * @module
 */
import type { ResourceInfo } from '../resources';

/** One node of a CRD's openAPIV3Schema (the fields converge acts on). */
export interface JSONSchemaProps {
	type?: string;
	format?: string;
	description?: string;
	title?: string;
	properties?: Record<string, JSONSchemaProps>;
	additionalProperties?: JSONSchemaProps | boolean;
	items?: JSONSchemaProps;
	required?: string[];
	enum?: unknown[];
	maximum?: number;
	minimum?: number;
	exclusiveMaximum?: boolean;
	exclusiveMinimum?: boolean;
	maxLength?: number;
	minLength?: number;
	pattern?: string;
	maxItems?: number;
	minItems?: number;
	uniqueItems?: boolean;
	multipleOf?: number;
	maxProperties?: number;
	minProperties?: number;
	nullable?: boolean;
	default?: unknown;
	allOf?: JSONSchemaProps[];
	anyOf?: JSONSchemaProps[];
	oneOf?: JSONSchemaProps[];
	not?: JSONSchemaProps;
	$ref?: string;
	'x-kubernetes-preserve-unknown-fields'?: boolean;
	'x-kubernetes-int-or-string'?: boolean;
	'x-kubernetes-embedded-resource'?: boolean;
	'x-kubernetes-list-type'?: string;
	'x-kubernetes-list-map-keys'?: string[];
	'x-kubernetes-map-type'?: string;
	/** CEL rules: accepted and stored, not evaluated yet. */
	'x-kubernetes-validations'?: unknown[];
}

/** `spec.versions[].additionalPrinterColumns[]`. */
export interface PrinterColumn {
	name: string;
	type: string;
	format?: string;
	description?: string;
	priority?: number;
	jsonPath: string;
}

/** `spec.versions[].subresources.scale`. */
export interface ScaleSubresource {
	specReplicasPath: string;
	statusReplicasPath: string;
	labelSelectorPath?: string;
}

/** What a served custom resource adds to its ResourceInfo. */
export interface CustomResourceInfo {
	/** The CRD's name (`crontabs.stable.example.com`). */
	crdName: string;
	/** This version's openAPIV3Schema. */
	schema: JSONSchemaProps;
	/** The printer columns (kube's default `Age` column when the CRD names none). */
	columns: PrinterColumn[];
	scaleSubresource?: ScaleSubresource;
	/** The storage version's resource (objects are stored with its apiVersion). */
	storage?: ResourceInfo;
	/** Every served version's name. */
	servedVersions: string[];
	/** The CRD is being deleted: creates are refused. */
	terminating: boolean;
}
