// The one place that names the cdk8s-plus line. cdk8s-plus-28 is past support; cdk8s-plus-34
// is the newest maintained 3x release on npm. Moving to another line changes only this import.
export * as kplus from 'cdk8s-plus-34';
