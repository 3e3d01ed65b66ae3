export { evaluateFmeSegment, type FmeSegmentEnvironment, FmeSegmentError } from './evaluate.js';
export { compareVersions, type FmeOperand, type FmeOperandType, parseOperand } from './operand.js';
