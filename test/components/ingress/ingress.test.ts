import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { contourEnvoyService, LB_POOL_LABEL } from '../../../lib/model/facts/ingress.ts';
import { HAS_SHARED, SHARED } from '../../helpers.ts';
import { compileExample, compileVariant, removeVariants, type Obj } from '../variant.ts';

afterAll(removeVariants);

const helmValues = (o: Obj): Obj => (o.kind === 'HelmRelease' ? o.spec.values : o.spec.source.helm.valuesObject);

describe('the bundled example: the global anycast address ends up on the ingress Service (issue 11 item 7)', () => {
  it.each(['ganymede', 'callisto'])('%s: Cilium\'s Gateway asks MetalLB for the anycast pool, which only such a request can get', async (cluster) => {
    const out = await compileExample('clusters');
    const [gateway] = out.file(`${cluster}/infrastructure/configs/gateway-gateway-ingress.yaml`);
    expect(gateway!.spec.gatewayClassName).toBe('cilium');
    // Cilium copies spec.infrastructure annotations onto the cilium-gateway-ingress Service it makes;
    // MetalLB reads the pool name from metallb.io/address-pool (metallb v0.16.1 controller/service.go).
    expect(gateway!.spec.infrastructure).toEqual({ annotations: { 'metallb.io/address-pool': 'ingress' } });
    const [pool] = out.file(`${cluster}/infrastructure/configs/ipaddresspool-metallb-system-ingress.yaml`);
    expect(pool!.spec).toMatchObject({ addresses: ['203.0.113.10/32'], autoAssign: false });
    // Announced over BGP, which is what makes an anycast address reach the clusters.
    const [adv] = out.file(`${cluster}/infrastructure/configs/bgpadvertisement-metallb-system-bgp.yaml`);
    expect(adv!.spec.ipAddressPools).toContain('ingress');
    const [cilium] = out.file(`${cluster}/infrastructure/controllers/helmrelease-kube-system-cilium.yaml`);
    expect(helmValues(cilium!).gatewayAPI).toEqual({ enabled: true, gatewayClass: { create: 'true' } });
  });
});

describe('each controller binds its Service to the pool', () => {
  it('Cilium LB IPAM: the Gateway\'s Service carries the label the reserved pool selects', async () => {
    const out = await compileVariant('vtalos-lab', (d) => {
      const c = d['vtalos.yaml']!;
      c.loadBalancing.pools.push({ name: 'edge', addresses: ['192.168.42.232/29'], autoAssign: false });
      c.loadBalancing.l2.pools = ['lab', 'edge'];
      c.components = { gatewayApi: { enabled: true }, ingress: { controller: 'cilium', loadBalancerPool: 'edge' } };
    });
    const [gateway] = out.file('vtalos/infrastructure/configs/gateway-gateway-ingress.yaml');
    expect(gateway!.spec.infrastructure).toEqual({ labels: { [LB_POOL_LABEL]: 'edge' } });
    const [pool] = out.file('vtalos/infrastructure/configs/ciliumloadbalancerippool-edge.yaml');
    // The pool's serviceSelector (lib/components/cilium/load-balancing.ts) matches exactly that label.
    expect(pool!.spec.serviceSelector).toEqual({ matchLabels: gateway!.spec.infrastructure.labels });
  });

  it('Envoy Gateway: the Gateway\'s infrastructure annotations (its Service name carries a hash)', async () => {
    const out = await compileExample('equinix-constellation');
    const [cls] = out.file('ganymede/infrastructure/configs/gatewayclass-envoy-gateway.yaml');
    expect(cls!.spec.controllerName).toBe('gateway.envoyproxy.io/gatewayclass-controller');
    const [gateway] = out.file('ganymede/infrastructure/configs/gateway-ingress-bundle-ingress.yaml');
    expect(gateway!.spec).toMatchObject({ gatewayClassName: 'envoy-gateway', infrastructure: { annotations: { 'metallb.io/address-pool': 'ingress' } } });
    // No spec.addresses: Envoy Gateway v1.9.0 turns them into externalIPs of a LoadBalancer Service.
    expect(gateway!.spec.addresses).toBeUndefined();
  });

  it('Contour: the chart\'s static Envoy Service, and contour.yaml names the Gateway', async () => {
    const out = await compileVariant('deepthought-homelab', (d) => {
      const c = d['deepthought.yaml']!;
      c.loadBalancing = { provider: 'metallb', pools: [{ name: 'lan', addresses: ['192.168.1.200-192.168.1.220'] }], l2: { enabled: true } };
      c.components.ingress.loadBalancerPool = 'lan';
    });
    const [app] = out.file('deepthought/argocd/apps/application-argocd-deepthought-contour.yaml');
    const values = helmValues(app!);
    expect(values.envoy).toEqual({ service: { annotations: { 'metallb.io/address-pool': 'lan' } } });
    expect(values.configInline).toEqual({ gateway: { gatewayRef: { name: 'ingress', namespace: 'projectcontour' } } });
    expect(values.gatewayAPI).toEqual({ manageCRDs: false });
    const [gateway] = out.file('deepthought/infrastructure/configs/gateway-projectcontour-ingress.yaml');
    expect(gateway!.spec.gatewayClassName).toBe('contour');
    expect(gateway!.spec.infrastructure).toBeUndefined();
    const [cls] = out.file('deepthought/infrastructure/configs/gatewayclass-contour.yaml');
    expect(cls!.spec.controllerName).toBe('projectcontour.io/gateway-controller');
  });

  it('Cilium Ingress in shared mode: the one cilium-ingress Service; dedicated with MetalLB: Ingress annotations may name the pool', async () => {
    const shared = await compileVariant('clusters', (d) => {
      const c = d['ganymede.yaml']!;
      delete c.components.gatewayApi;
      c.components.externalDns.sources = ['service', 'ingress'];
      c.cni.cilium.ingressController = { enabled: true, loadbalancerMode: 'shared' };
    });
    const [cilium] = shared.file('ganymede/infrastructure/controllers/helmrelease-kube-system-cilium.yaml');
    expect(helmValues(cilium!).ingressController).toEqual({ enabled: true, loadbalancerMode: 'shared', service: { annotations: { 'metallb.io/address-pool': 'ingress' } } });
    expect(helmValues(cilium!).gatewayAPI).toBeUndefined();
    const dedicated = await compileVariant('clusters', (d) => {
      const c = d['ganymede.yaml']!;
      delete c.components.ingress.loadBalancerPool;
      c.cni.cilium.ingressController = { enabled: true };
    });
    const [ded] = dedicated.file('ganymede/infrastructure/controllers/helmrelease-kube-system-cilium.yaml');
    const prefixes = helmValues(ded!).ingressController.ingressLBAnnotationPrefixes as string[];
    expect(prefixes).toContain('metallb.io');
    if (HAS_SHARED) {
      // The chart's own prefixes stay (Helm replaces a list value wholesale).
      const chart = parse(readFileSync(path.join(SHARED, 'schemas', 'charts', 'cilium', '1.19.5', 'values.yaml'), 'utf8')) as Obj;
      expect(prefixes).toEqual([...chart.ingressController.ingressLBAnnotationPrefixes, 'metallb.io']);
    }
  });
});

describe('service names orrery predicts', () => {
  it('Contour chart fullname rule (Bitnami common.names.fullname)', () => {
    expect(contourEnvoyService('contour')).toBe('contour-envoy');
    expect(contourEnvoyService('edge')).toBe('edge-contour-envoy');
  });
});
