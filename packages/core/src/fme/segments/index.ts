export {
  evaluateFmeSegment,
  type FmeSegmentEnvironment,
  FmeSegmentError,
  type FmeSegmentMessage,
  type Variables as FmeSegmentVariables,
} from './evaluate.js';
export { compareVersions, type FmeOperand, type FmeOperandType, parseOperand } from './operand.js';
