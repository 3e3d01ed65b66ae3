/** Options of {@link bundleForPage}. */
export interface PageBundleOptions {
  /** The global the bundle's exports are put in (`VWO` gives `window.VWO.launch`). */
  readonly globalName: string;
  readonly minify?: boolean;
}

/**
 * Bundles a built module and everything it imports into one classic script for a page (an IIFE
 * setting `globalName`), as a site would ship the SDK: the text, nothing written to disk.
 */
export async function bundleForPage(entry: URL, options: PageBundleOptions): Promise<string> {
  const { build } = await import('esbuild');
  const bundled = await build({
    entryPoints: [entry.pathname],
    bundle: true,
    format: 'iife',
    globalName: options.globalName,
    platform: 'browser',
    minify: options.minify ?? false,
    write: false,
  });
  return bundled.outputFiles[0]?.text ?? '';
}
