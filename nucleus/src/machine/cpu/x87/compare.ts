/**
 * Ordering and classification: the FCOM/FUCOM/FCOMI/FTST comparison and FXAM.
 */
import {
  F80, fpStatus, Kind, kindOf, Sw, unpack, W, w,
} from './float80.js';

/** Comparison outcome, in the order the condition codes encode it. */
export const enum Order { Greater = 0, Less = 1, Equal = 2, Unordered = 3 }

/**
 * Compares a with b. A NaN operand makes the result unordered and raises IE,
 * except that the unordered-quiet forms (FUCOM*) raise IE only for an SNaN;
 * unsupported formats raise IE for both.
 */
export function compare(a: F80, b: F80, quiet: boolean): Order {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka >= Kind.QNaN || kb >= Kind.QNaN) {
    if (!quiet || ka !== Kind.QNaN && ka >= Kind.SNaN || kb !== Kind.QNaN && kb >= Kind.SNaN) fpStatus.flags |= Sw.IE;
    return Order.Unordered;
  }
  if (ka === Kind.Denormal || kb === Kind.Denormal) fpStatus.flags |= Sw.DE;
  const sa = a.se >>> 15;
  const sb = b.se >>> 15;
  if (ka === Kind.Zero || kb === Kind.Zero) {
    if (ka === kb) return Order.Equal;
    if (ka === Kind.Zero) return sb !== 0 ? Order.Greater : Order.Less;
    return sa !== 0 ? Order.Less : Order.Greater;
  }
  if (sa !== sb) return sa !== 0 ? Order.Less : Order.Greater;
  unpack(a);
  const ea = w[W.E], ah = w[W.H], al = w[W.L];
  unpack(b);
  let cmp = ea !== w[W.E] ? ea - w[W.E] : ah !== w[W.H] ? ah - w[W.H] : al - w[W.L];
  if (cmp === 0) return Order.Equal;
  if (sa !== 0) cmp = -cmp;
  return cmp > 0 ? Order.Greater : Order.Less;
}

/** Condition codes C3, C2, C0 for an Order (FCOM, FTST, FICOM). */
export function orderCodes(o: Order): number {
  return o === Order.Greater ? 0 : o === Order.Less ? Sw.C0 : o === Order.Equal ? Sw.C3 : Sw.C3 | Sw.C2 | Sw.C0;
}

/** FXAM's C3, C2, C0 class bits and C1 = sign, for a non-empty register. */
export function examine(a: F80): number {
  const sign = (a.se & 0x8000) !== 0 ? Sw.C1 : 0;
  switch (kindOf(a)) {
    case Kind.Unsupported: return sign;
    case Kind.QNaN:
    case Kind.SNaN: return sign | Sw.C0;
    case Kind.Normal: return sign | Sw.C2;
    case Kind.Infinity: return sign | Sw.C2 | Sw.C0;
    case Kind.Zero: return sign | Sw.C3;
    default: return sign | Sw.C3 | Sw.C2; // denormal
  }
}

/** FXAM of an empty register: C3 C2 C0 = 101. C1 is the sign of whatever the register holds. */
export function examineEmpty(a: F80): number {
  return ((a.se & 0x8000) !== 0 ? Sw.C1 : 0) | Sw.C3 | Sw.C0;
}
