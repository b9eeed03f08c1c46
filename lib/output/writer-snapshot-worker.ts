import { parentPort, workerData } from 'node:worker_threads';
import { packSnapshot, packTree, takeEntries, takeListing, type SnapshotMessage, type SnapshotRequest } from './writer-snapshot.ts';

// The worker thread of writer-snapshot.ts: posts the entries as soon as they are known (the build
// waits for them), then the listing (only the writer needs it, after the build).
const request = workerData as SnapshotRequest;
const entries = await takeEntries(request);
parentPort?.postMessage({ part: 'entries', packed: packSnapshot(entries) } satisfies SnapshotMessage);
const tree = await takeListing(request, entries);
parentPort?.postMessage({ part: 'tree', tree: tree && packTree(tree) } satisfies SnapshotMessage);
