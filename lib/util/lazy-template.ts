import { createRequire } from 'node:module';
import type Handlebars from 'handlebars';

const require = createRequire(import.meta.url);

export interface LazyTemplateOptions {
  /** Helpers of this template's own Handlebars environment. */
  readonly helpers?: Readonly<Record<string, Handlebars.HelperDelegate>>;
  readonly compile?: CompileOptions;
}

type CompileOptions = Parameters<typeof Handlebars.compile>[1];

/**
 * A Handlebars template compiled the first time it renders, from the text `source` returns (the
 * component reads its own template file beside it: the one disk access components may make). Handlebars
 * (34 CommonJS modules, its compiler and source-map) and the template text are loaded then, by
 * the build stage, not when a component module is imported: `orrery validate` and a synth whose
 * clusters all come from the build cache import every component and render none
 * (test/cli/start-up.test.ts). A synchronous require returns the module an import would.
 */
export function lazyTemplate(source: () => string, options: LazyTemplateOptions = {}): Handlebars.TemplateDelegate {
  let compiled: Handlebars.TemplateDelegate | undefined;
  return (context, runtimeOptions) => {
    if (!compiled) {
      const hb = (require('handlebars') as typeof Handlebars).create();
      for (const [name, helper] of Object.entries(options.helpers ?? {})) hb.registerHelper(name, helper);
      compiled = hb.compile(source(), options.compile);
    }
    return compiled(context, runtimeOptions);
  };
}
