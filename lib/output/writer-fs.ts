import * as fsp from 'node:fs/promises';

/**
 * The file-system calls the writer makes, as one object: production uses node:fs/promises, the
 * fault-injection tests wrap it to fail any one call with ENOSPC, EACCES, EBUSY, … and check that
 * every failure ends as a clear error with the previous (or the new) tree intact.
 */
export interface WriterFs {
  readonly lstat: typeof fsp.lstat;
  readonly stat: typeof fsp.stat;
  readonly readdir: typeof fsp.readdir;
  readonly readFile: typeof fsp.readFile;
  readonly writeFile: typeof fsp.writeFile;
  readonly mkdir: typeof fsp.mkdir;
  readonly rename: typeof fsp.rename;
  readonly rm: typeof fsp.rm;
  readonly rmdir: typeof fsp.rmdir;
  readonly unlink: typeof fsp.unlink;
  readonly link: typeof fsp.link;
  readonly symlink: typeof fsp.symlink;
  readonly readlink: typeof fsp.readlink;
  readonly copyFile: typeof fsp.copyFile;
  readonly chmod: typeof fsp.chmod;
  readonly chown: typeof fsp.chown;
  readonly access: typeof fsp.access;
  readonly realpath: typeof fsp.realpath;
}

export const NODE_FS: WriterFs = {
  lstat: fsp.lstat,
  stat: fsp.stat,
  readdir: fsp.readdir,
  readFile: fsp.readFile,
  writeFile: fsp.writeFile,
  mkdir: fsp.mkdir,
  rename: fsp.rename,
  rm: fsp.rm,
  rmdir: fsp.rmdir,
  unlink: fsp.unlink,
  link: fsp.link,
  symlink: fsp.symlink,
  readlink: fsp.readlink,
  copyFile: fsp.copyFile,
  chmod: fsp.chmod,
  chown: fsp.chown,
  access: fsp.access,
  realpath: fsp.realpath,
};
