import type { PlatformComponent } from './component.ts';
import { certManagerComponent } from '../components/cert-manager/cert-manager.ts';
import { linkerdComponent } from '../components/linkerd/linkerd.ts';

/** Every platform component; adding one is its folder and one line here. */
export const PLATFORM_COMPONENTS: readonly PlatformComponent[] = [certManagerComponent, linkerdComponent];
