import type { PlatformComponent } from './component.ts';
import { certManagerComponent } from '../components/cert-manager/cert-manager.ts';
import { linkerdComponent } from '../components/linkerd/linkerd.ts';
import { ciliumComponent } from '../components/cilium/cilium.ts';
import { metallbComponent } from '../components/metallb/metallb.ts';
import { networkPoliciesComponent } from '../components/network-policies/network-policies.ts';

/** Every platform component; adding one is its folder and one line here. */
export const PLATFORM_COMPONENTS: readonly PlatformComponent[] = [
  ciliumComponent,
  metallbComponent,
  certManagerComponent,
  linkerdComponent,
  networkPoliciesComponent,
];
