/**
 * One frozen empty list and one frozen empty record, shared by every place of the model that has
 * none. At 1000 clusters a third of the model's objects (33 000 of 117 000: nodes' routes,
 * taints, VLANs, patches, labels…) were empty ones, each allocated and then visited by resolve's
 * deepFreeze; a shared one is frozen already, so deepFreeze stops at it. The model is read-only
 * (lib/model/model.ts), so sharing is safe: nothing can push into it.
 */
export const NO_ITEMS: readonly never[] = Object.freeze([]);
export const NO_ENTRIES: Readonly<Record<string, never>> = Object.freeze({});

/** The list, or the shared empty one when there is none or it is empty. */
export const listOr = <T>(list: readonly T[] | undefined): readonly T[] => (list === undefined || list.length === 0 ? NO_ITEMS : list);

/** `list.map(fn)`, or the shared empty list when there is nothing to map. */
export const mapOr = <T, U>(list: readonly T[] | undefined, fn: (item: T, index: number) => U): readonly U[] => (list === undefined || list.length === 0 ? NO_ITEMS : list.map(fn));
