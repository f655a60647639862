/**
 * The networking.k8s.io/v1 resources the network simulation reads (the built-in REFS and
 * UI_RESOURCES do not list them), for the server's controllers and the browser alike.
 *
 * @module
 */
import type { ResourceRef } from '../controllers/types';

const net = (resource: string, kind: string, namespaced = true): ResourceRef => ({ group: 'networking.k8s.io', version: 'v1', resource, kind, namespaced });

export const NETWORK_POLICIES = net('networkpolicies', 'NetworkPolicy');
export const INGRESSES = net('ingresses', 'Ingress');
export const INGRESS_CLASSES = net('ingressclasses', 'IngressClass', false);
