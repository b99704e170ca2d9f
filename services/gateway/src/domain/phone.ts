// Phone numbers people sign in with: mainland China mobile numbers, kept in E.164 (+86...).
// Typed forms ("138 0013 8000", "+86-13800138000", "8613800138000") all name the same phone.

const MOBILE = /^1[3-9][0-9]{9}$/;

/** The E.164 form of a mainland mobile number, or undefined when it is not one. */
export function normalizePhone(input: string): string | undefined {
  if (input.length > 32) return undefined;
  const compact = input.replace(/[\s()-]/g, '');
  const national = compact.replace(/^(?:\+86|0086|86)(?=1[0-9]{10}$)/, '');
  return MOBILE.test(national) ? `+86${national}` : undefined;
}

// Shared with every service that texts people (the kit's SMS relay client logs it too).
export { maskPhone } from '@lc/kit';
