// A short rule, not a parser: the account page needs only the family
// ("Firefox"), and a family is named by one token that each browser has sent
// for a decade. The order matters, because browsers name the ones they grew
// from: Edge and Opera send "Chrome/", Chrome sends "Safari/". A full parser
// (ua-parser-js, bowser) would add a dependency that must follow every new
// browser to answer this one question.
const families: [RegExp, string][] = [
  [/\bEdg(e|A|iOS)?\//, 'Edge'],
  [/\b(OPR|Opera)\//, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\b(Firefox|FxiOS)\//, 'Firefox'],
  [/\b(HeadlessChrome|Chrome|Chromium|CriOS)\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
  [/^curl\//, 'curl'],
];

/**
 * The browser family of a `User-Agent`, for the activity a user reads:
 * `Other` for one this rule does not know, `Unknown` for none.
 *
 * @example
 * browserFamily('Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0'); // 'Firefox'
 */
export function browserFamily(userAgent: string | undefined): string {
  if (!userAgent) return 'Unknown';
  for (const [pattern, family] of families) if (pattern.test(userAgent)) return family;
  return 'Other';
}
