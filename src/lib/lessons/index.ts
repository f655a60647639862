/**
 * Lessons with auto-checked steps (pure): the lesson folder format, the check language and its
 * evaluator, and the markdown subset of steps. The server side is `server/lessons/`.
 *
 * @module
 */
export type { Check, CheckResult, CheckSpec, ClusterLists, ConnectionCheck, Lesson, LessonEvent, LessonStep, Matcher, ObjectCheck, Predicate, VipCheck } from './types';
export { evaluateCheck, kindsOf, isConnectionCheck, isVipCheck } from './checks';
export { CHECK_KINDS, KIND } from './kinds';
export { checkPredicate, describeMatcher, getPath, managerMatches, matches, parsePath } from './matchers';
export { FILES_DIR, LESSON_FILE, LESSON_LIMITS, parseLesson } from './lesson-file';
export { escapeHtml, renderMarkdown } from './markdown';
