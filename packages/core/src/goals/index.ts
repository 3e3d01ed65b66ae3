export { campaignsForGoal, type GoalTypeToTrack, goalOf } from './campaigns-for-goal.js';
