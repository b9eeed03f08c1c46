import { describe, expect, it } from 'vitest';
import { installerImage, marshalSchematic, resolveSchematic } from '../../../lib/components/talos/schematic.ts';

// Known schematic → ID pairs published upstream (siderolabs/image-factory pkg/schematic
// schematic_test.go, docs/api.md; siderolabs/docs talos v1.14 boot-assets).
describe('Image Factory schematic ID, computed offline', () => {
  it.each([
    ['the empty (vanilla) schematic', undefined, '376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba'],
    ['extra kernel args', { extraKernelArgs: ['noapic', 'nolapic'] }, '9cba8e32753f91a16c1837ab8abf356af021706ef284aef07380780177d9a06c'],
    ['an overlay', { overlay: { image: 'siderolabs/sbc-raspberrypi', name: 'rpi_generic' } }, 'ee21ef4a5ef808a9b7484cc0dda0f25075021691c8c09a276591eedb638ea1f9'],
    ['one extension', { extensions: ['siderolabs/gvisor'] }, 'd9ff89777e246792e7642abd3220a616afb4e49822382e4213a2e528ab826fe5'],
    ['kernel args and extensions', { extraKernelArgs: ['net.ifnames=0'], extensions: ['siderolabs/gvisor', 'siderolabs/intel-ucode'] }, 'b8e8fbbe1b520989e6c52c8dc8303070cb42095997e76e812fa8892393e1d176'],
  ])('%s', (_name, schematic, id) => {
    expect(resolveSchematic(schematic).id).toBe(id);
  });

  it('marshals like yaml.v3: indent 4, sequences indented under their key', () => {
    expect(marshalSchematic({ extensions: ['siderolabs/iscsi-tools', 'siderolabs/util-linux-tools'] })).toBe(
      'customization:\n    systemExtensions:\n        officialExtensions:\n            - siderolabs/iscsi-tools\n            - siderolabs/util-linux-tools\n',
    );
  });

  it('order matters, as it does for the factory', () => {
    expect(resolveSchematic({ extensions: ['a/b', 'c/d'] }).id).not.toBe(resolveSchematic({ extensions: ['c/d', 'a/b'] }).id);
  });

  it('quotes values that would read back as another type, and refuses forms it cannot reproduce', () => {
    expect(marshalSchematic({ extraKernelArgs: ['1'] })).toContain('- "1"');
    expect(() => marshalSchematic({ extraKernelArgs: ['a: b'] })).toThrow(/quoting/);
  });

  it('builds the installer image for the Talos version', () => {
    expect(installerImage('abc', 'v1.13.9')).toBe('factory.talos.dev/installer/abc:v1.13.9');
    expect(installerImage('abc', 'v1.14.0-rc.1')).toBe('factory.talos.dev/metal-installer/abc:v1.14.0-rc.1');
  });
});
