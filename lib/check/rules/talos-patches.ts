import { closest } from 'fastest-levenshtein';
import { quote } from '../../diagnostics/diagnostic.ts';
import { escapeSegment, pointer } from '../../diagnostics/pointer.ts';
import { documentKinds, firstContractWith, LINK_KINDS, TYPED_API_VERSION, V1ALPHA1_KEYS } from '../../data/talos-documents.ts';
import { effectiveContract } from '../../data/talos-kubernetes.ts';
import type { SourceFile } from '../../read/source-file.ts';
import type { TalosClusterPatch, TalosPatch } from '../../spec/types.generated.ts';
import type { ClusterFacts } from '../context.ts';

/** One document of a patch and where it is written (the spec file, or a document of a patch file). */
interface Located {
  readonly data: unknown;
  readonly file: SourceFile;
  readonly ptr: string;
  /** Said in messages about a document of a patch file with several. */
  readonly where: string;
}

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The operator's Talos patches: each one inline documents or a file of them, each document one
 * Talos accepts in a patch for the cluster's config contract — a v1alpha1 partial or a typed
 * document of a kind the contract has — and no two documents of one patch that Talos would refuse
 * together. The full schema of each document is the conformance tests' business (the schemas are
 * test data), the merge with orrery's own documents the Talos component's (it knows them).
 */
export function checkTalosPatches(facts: ClusterFacts): void {
  const { c, file, emit } = facts;
  const pools = c.provisioning.clusterApi?.machinePools ?? [];
  // Most clusters have no patches at all: nothing to look up, no pointers to build.
  if (!c.talos?.patches?.length && !facts.nodes.some((n) => n.patches?.length) && !pools.some((p) => p.patches?.length)) return;
  const contract = effectiveContract(facts.versions.talos, c.talos?.contract);
  const kinds = documentKinds(contract)?.kinds;

  checkList(c.talos?.patches, pointer('talos', 'patches'));
  facts.nodes.forEach((n, i) => checkList(n.patches, pointer('nodes', i, 'patches')));
  pools.forEach((p, i) => checkList(p.patches, pointer('provisioning', 'clusterApi', 'machinePools', i, 'patches')));

  function checkList(list: readonly (TalosPatch | TalosClusterPatch)[] | undefined, listPtr: string): void {
    const names = new Map<string, number>();
    (list ?? []).forEach((p, i) => {
      const ptr = `${listPtr}/${i}`;
      const prior = names.get(p.name);
      if (prior !== undefined) emit(file, `${ptr}/name`, 'talos-patch/duplicate-name', `patch name ${quote(p.name)} is also patches[${prior}]'s; each patch gets its own file, named after it`);
      else names.set(p.name, i);
      if ((p.documents === undefined) === (p.file === undefined)) {
        emit(file, ptr, 'talos-patch/documents-or-file', `patch ${quote(p.name)}: give its Talos documents inline (documents: [...]) or in a file (file: patches/${p.name}.yaml), one of the two`);
        return;
      }
      const docs = documentsOf(p, ptr);
      if (docs) checkPatch(p.name, docs);
    });
  }

  function documentsOf(p: TalosPatch | TalosClusterPatch, ptr: string): Located[] | undefined {
    if (p.documents) return p.documents.map((data, d) => ({ data, file, ptr: `${ptr}/documents/${d}`, where: '' }));
    const included = file.includes?.get(p.file!);
    if (!included) {
      emit(file, `${ptr}/file`, 'talos-patch/file-unread', `the patch file ${quote(p.file)} was not read (orrery reads patch files with the spec directory)`);
      return undefined;
    }
    if (included.documents.length === 0) {
      emit(file, `${ptr}/file`, 'talos-patch/empty-file', `the patch file ${quote(included.displayPath)} holds no YAML document`);
      return undefined;
    }
    const many = included.documents.length > 1;
    return included.documents.map((doc, d) => ({ data: doc.data, file: doc, ptr: '', where: many ? ` (document ${d + 1} of ${included.documents.length})` : '' }));
  }

  /** Each document on its own, then the documents of the patch together (Talos loads a patch as one config). */
  function checkPatch(name: string, docs: readonly Located[]): void {
    const ids = new Map<string, Located>();
    const links = new Map<string, { kind: string; at: Located }>();
    for (const d of docs) {
      const id = checkDocument(name, d);
      if (id === undefined) continue;
      // container.New refuses two v1alpha1 documents, two documents with one kind and name, and
      // two link documents with one name (siderolabs/talos@v1.13.9 pkg/machinery/config/container/container.go New).
      const twin = ids.get(id.key);
      if (twin && !id.deletes) {
        emit(d.file, d.ptr, 'talos-patch/duplicate-document', `patch ${quote(name)}${d.where}: a second ${id.label} in one patch; Talos refuses the patch ("duplicate document"): merge the two into one document`);
      } else if (!id.deletes) ids.set(id.key, d);
      if (id.link && !id.deletes) {
        const other = links.get(id.link.name);
        if (other && other.kind !== id.link.kind) {
          emit(d.file, d.ptr, 'talos-patch/conflicting-documents', `patch ${quote(name)}${d.where}: ${id.link.kind} and ${other.kind} both name the link ${quote(id.link.name)}; Talos refuses the patch ("conflicting documents"): a link is one kind`);
        } else links.set(id.link.name, { kind: id.link.kind, at: d });
      }
    }
  }

  function checkDocument(name: string, d: Located): { key: string; label: string; deletes: boolean; link?: { name: string; kind: string } } | undefined {
    const say = (ptr: string, rule: string, message: string): void => emit(d.file, ptr, rule, `patch ${quote(name)}${d.where}: ${message}`);
    if (Array.isArray(d.data) && d.data.some((x) => isMapping(x) && 'op' in x && 'path' in x)) {
      say(d.ptr, 'talos-patch/json-patch', 'a JSON patch (op/path) cannot apply: Talos refuses JSON 6902 patches on a multi-document machine config (siderolabs/talos configpatcher/json6902.go), and orrery\'s always is one; write the change as a document (a v1alpha1 partial or a typed document)');
      return undefined;
    }
    if (!isMapping(d.data)) {
      say(d.ptr, 'talos-patch/not-a-document', `expected a Talos document (a mapping), got ${d.data === null ? 'an empty document' : Array.isArray(d.data) ? 'a list' : quote(d.data)}`);
      return undefined;
    }
    const doc = d.data;
    const kind = doc.kind;
    if (kind === undefined) {
      if (doc.apiVersion !== undefined) {
        say(`${d.ptr}/apiVersion`, 'talos-patch/missing-kind', 'apiVersion without kind: a typed document needs kind (a v1alpha1 partial, with machine: or cluster:, has neither)');
        return undefined;
      }
      for (const key of Object.keys(doc)) {
        if (V1ALPHA1_KEYS.includes(key)) continue;
        const guess = closest(key, [...V1ALPHA1_KEYS]);
        say(`${d.ptr}/${escapeSegment(key)}`, 'talos-patch/unknown-key', `unknown key ${quote(key)} in a v1alpha1 document (known: ${V1ALPHA1_KEYS.join(', ')})${guess && key.length > 2 ? `; did you mean ${quote(guess)}?` : ''}`);
      }
      if (doc.version !== undefined && doc.version !== 'v1alpha1') say(`${d.ptr}/version`, 'talos-patch/api-version', `version ${quote(doc.version)}: the v1alpha1 document's version is "v1alpha1"`);
      return { key: 'v1alpha1', label: 'v1alpha1 document (machine:, cluster:)', deletes: false };
    }
    if (typeof kind !== 'string') {
      say(`${d.ptr}/kind`, 'talos-patch/unknown-kind', `kind must be a string, got ${quote(kind)}`);
      return undefined;
    }
    if (!kinds) return undefined;
    const named = kinds.get(kind);
    if (named === undefined) {
      const later = firstContractWith(kind);
      const guess = closest(kind, [...kinds.keys()]);
      const hint = later ? ` (it arrives with contract ${later}; this cluster's is ${contract})` : guess ? `; did you mean ${quote(guess)}?` : '';
      say(`${d.ptr}/kind`, 'talos-patch/unknown-kind', `Talos config contract ${contract} has no document kind ${quote(kind)}${hint}`);
      return undefined;
    }
    if (doc.apiVersion !== TYPED_API_VERSION) {
      say(doc.apiVersion === undefined ? d.ptr : `${d.ptr}/apiVersion`, 'talos-patch/api-version', `${kind} needs apiVersion: ${TYPED_API_VERSION}${doc.apiVersion === undefined ? '' : ` (got ${quote(doc.apiVersion)})`}`);
    }
    const deletes = doc.$patch === 'delete';
    if (named && (typeof doc.name !== 'string' || doc.name === '')) {
      say(doc.name === undefined ? d.ptr : `${d.ptr}/name`, 'talos-patch/missing-name', `${kind} documents are named: set name (Talos merges a patch into the document of the same kind and name)`);
      return undefined;
    }
    const docName = named ? (doc.name as string) : undefined;
    return {
      key: `${kind}/${docName ?? ''}`,
      label: `${kind}${docName ? ` ${quote(docName)}` : ''}`,
      deletes,
      ...(docName && LINK_KINDS.includes(kind) ? { link: { name: docName, kind } } : {}),
    };
  }
}
