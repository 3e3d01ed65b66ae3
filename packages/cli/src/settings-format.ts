/** Which SDK a settings file is for: FullStack (`launch`, vwo-node-sdk 1.73.0) or FME (`init`, vwo-fme-node-sdk 1.35.0). */
export type SettingsFormat = 'fullstack' | 'fme';

const FME_CAMPAIGN_TYPE = /^FLAG_/;

/**
 * Tells the format from the file: an FME file has `features` (or the short `f`), or campaigns
 * of the FME types (`FLAG_ROLLOUT`, `FLAG_TESTING`, `FLAG_PERSONALIZE`); anything else is read
 * as a FullStack file, whose validation then names what is wrong.
 */
export function detectFormat(raw: unknown): SettingsFormat {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'fullstack';
  const file = raw as Record<string, unknown>;
  if ('features' in file || Array.isArray(file.f)) return 'fme';
  const campaigns = Array.isArray(file.campaigns) ? file.campaigns : Array.isArray(file.c) ? file.c : [];
  return campaigns.some(
    (campaign: unknown) =>
      typeof campaign === 'object' && campaign !== null && FME_CAMPAIGN_TYPE.test(String((campaign as { type?: unknown }).type)),
  )
    ? 'fme'
    : 'fullstack';
}

/** `--format` as given, or the detected format. */
export function formatOf(raw: unknown, option: unknown): SettingsFormat {
  if (option === 'fme' || option === 'fullstack') return option;
  return detectFormat(raw);
}
