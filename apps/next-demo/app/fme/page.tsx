import { BOOTSTRAP_ELEMENT_ID, createFmeBootstrap, serializeBootstrap } from '@vwo/node';
import { cookies } from 'next/headers';
import { collectorUrl, DEFAULT_BANNER, FEATURE_KEY } from '../config';
import { fmeServerClient } from '../fme-server';
import { Banner } from './banner';

/**
 * The FME page, rendered per request on the server: decides the visitor's flag with `explain`
 * (as `getFlag` decides, without sending, storing or calling back), renders its headline into the
 * HTML, and embeds the bootstrap the page's `initFromBootstrap` client starts from. The visitor is
 * the `user` query parameter, else the `visitor` cookie.
 */
export default async function FmePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const query = await searchParams;
  const fromQuery = typeof query.user === 'string' ? query.user : undefined;
  const userId = fromQuery ?? (await cookies()).get('visitor')?.value ?? 'anonymous';
  const vwo = await fmeServerClient();
  const flag = await vwo.explain(FEATURE_KEY, { id: userId });
  const headline = String(flag.variables.find((variable) => variable.key === 'headline')?.value ?? DEFAULT_BANNER);
  // Trimmed to the page's feature (and whatever its decision reads): a smaller script.
  const bootstrap = createFmeBootstrap(vwo.settings, { userId, featureKeys: [FEATURE_KEY] });
  return (
    <main>
      <Banner userId={userId} serverHeadline={headline} collectorUrl={collectorUrl()} />
      {bootstrap && (
        // biome-ignore lint/security/noDangerouslySetInnerHtml: data, not code (type="application/json" is not executed), and serializeBootstrap escapes <, > and & so the text cannot close the element
        <script type="application/json" id={BOOTSTRAP_ELEMENT_ID} dangerouslySetInnerHTML={{ __html: serializeBootstrap(bootstrap) }} />
      )}
    </main>
  );
}
