/** Decision outcomes in words, for `explain` and `simulate`. */
export const OUTCOME_TEXT: Readonly<Record<string, string>> = {
  'campaign-not-found': 'no such campaign',
  'campaign-not-running': 'the campaign is not running',
  whitelisted: 'whitelisted',
  stored: 'from user storage',
  'not-stored': 'not in user storage',
  'segment-failed': 'did not pass pre-segmentation',
  'not-in-traffic': 'outside the campaign traffic',
  'group-empty': 'no eligible campaign in its group',
  'group-taken': 'owned by another campaign of its group',
  'group-lost': 'won by another campaign of its group',
  bucketed: 'bucketed',
  'no-variation-in-range': 'bucket in no variation range',
  error: 'the decision failed',
  'bandit-without-storage': 'a multi-armed bandit campaign needs a user storage',
  'campaign-type-not-served': 'the API does not serve this campaign type',
  'opted-out': 'the client is opted out',
};
