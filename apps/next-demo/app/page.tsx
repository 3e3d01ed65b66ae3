import { BOOTSTRAP_ELEMENT_ID, createBootstrap, serializeBootstrap } from '@vwo/node';
import { cookies } from 'next/headers';
import { CAMPAIGN_KEY, collectorUrl, HEADLINES } from './config';
import { Hero } from './hero';
import { serverClient } from './vwo-server';

/**
 * The page, rendered per request on the server: decides the visitor's variation with
 * `getVariationName` (which sends nothing), renders it into the HTML, and embeds the bootstrap
 * the page's client starts from. The visitor is the `user` query parameter, else the `visitor`
 * cookie.
 */
export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const query = await searchParams;
  const fromQuery = typeof query.user === 'string' ? query.user : undefined;
  const userId = fromQuery ?? (await cookies()).get('visitor')?.value ?? 'anonymous';
  const vwo = await serverClient();
  const variation = await vwo.getVariationName(CAMPAIGN_KEY, userId);
  // Trimmed to the one campaign the page uses: a smaller script, and nothing about the others.
  const bootstrap = createBootstrap(vwo.settings, { userId, campaignKeys: [CAMPAIGN_KEY] });
  return (
    <main>
      <Hero
        userId={userId}
        serverVariation={variation}
        headline={(variation && HEADLINES[variation]) ?? HEADLINES.Control}
        collectorUrl={collectorUrl()}
      />
      {bootstrap && (
        // biome-ignore lint/security/noDangerouslySetInnerHtml: data, not code (the browser does not execute type="application/json"), and serializeBootstrap escapes <, > and & so the text cannot close the element; as a JSX child React would escape it into text that is no longer the JSON
        <script type="application/json" id={BOOTSTRAP_ELEMENT_ID} dangerouslySetInnerHTML={{ __html: serializeBootstrap(bootstrap) }} />
      )}
    </main>
  );
}
