/**
 * The program types as the app sees them: data from the kernel's registry (src/kernel/progtypes),
 * which `hello()` hands over. The app asks these instead of naming program types itself.
 */
export type { ProgTypeInfo } from '../kernel/progtypes/types';
