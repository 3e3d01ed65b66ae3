export { evaluateFmeSegment, type FmeSegmentEnvironment, FmeSegmentError, type FmeSegmentMessage } from './evaluate.js';
export { compareVersions, type FmeOperand, type FmeOperandType, parseOperand } from './operand.js';
