import type { TaskType } from '../config/llm.js';

/**
 * Keyword and pattern features of the twelve task types, English and Korean. A pattern's weight counts double
 * where the instruction is (the first words of an English request, the last of a Korean one: Korean puts the
 * verb at the end), so "Classify this architecture note" is a classification, and "이 아키텍처 문서를 요약해 줘"
 * a summary, although each names a heavier task.
 */
export const TASK_PATTERNS: Record<TaskType, RegExp[]> = {
  classify: [
    /\b(classify|categori[sz]e|label|tag|triage|bucket)\b/i,
    /\b(sentiment|intent|spam|positive or negative|which (category|bucket|label)|is (this|it) (a|an) (bug|question|complaint|feature request)|pick (one )?from|choose (one )?from|one of:)\b/i,
    /분류|카테고리|라벨|레이블|감정\s*분석|의도|스팸|태그를?\s*(달|붙)|어느\s*(범주|유형)|골라|고르/u,
  ],
  extract: [
    /\b(extract|pull out|find all|list (all|every) (the )?(emails?|dates?|names?|urls?|numbers?|amounts?|phone|ids?)|parse out|get (the|all) .{0,40} (from|out of))\b/i,
    /추출|뽑아|발췌|찾아서?\s*(나열|목록)|전부\s*찾아/u,
  ],
  format: [
    /\b(format|reformat|convert|turn .{0,40} into|as (a )?(json|yaml|csv|markdown|table)|to (json|yaml|csv|markdown)|rewrite .{0,30} as|capitali[sz]e|sort (these|this|the)|alphabeti[sz]e|pretty[- ]print|indent)\b/i,
    /형식|포맷|변환|표로|정렬|마크다운으로|json\s*으로|yaml\s*로|csv\s*로|바꿔\s*줘/iu,
  ],
  summarize: [/\b(summari[sz]e|summary|tl;?dr|recap|condense|key points|gist|digest)\b/i, /요약|정리해|핵심만|간추려/u],
  answer: [
    /^(what|who|when|where|which|how (many|much|do|does|can|long)|is|are|does|do|can)\b/i,
    /\b(explain|tell me|what does|what is|meaning of)\b/i,
    /무엇|뭐야|뭔가요|무슨|어떻게|언제|어디|누가|몇|설명해|알려\s*줘|인가요|인가\?|나요\?/u,
  ],
  code: [
    /\b(write|implement|code|fix|debug|refactor|patch)\b.{0,60}\b(function|class|method|script|query|regex|test|bug|endpoint|module|component|hook|migration|loop|typescript|python|sql|code)\b/i,
    /\b(regex|sql query|unit tests?|stack trace|typeerror|null pointer|segfault|compile error|race condition|deadlock)\b/i,
    /함수|코드|구현|버그|리팩터|리팩토링|스크립트|정규식|쿼리를?\s*(작성|짜)|테스트\s*코드|디버그|고쳐/u,
  ],
  review: [
    /\b(review|critique|audit|proofread|give feedback|check (this|my) (pr|pull request|diff|code|patch)|code review)\b/i,
    /리뷰|검토|피드백|감사해|점검/u,
  ],
  decompose: [
    /\b(break (it |this |.{0,30})?down|decompose|split .{0,40} into .{0,30}(steps|tasks|subtasks|parts)|sub-?tasks|step[- ]by[- ]step list|what are the steps)\b/i,
    /분해|나눠|쪼개|하위\s*작업|단계별로\s*(나누|정리)|세부\s*작업/u,
  ],
  plan: [
    /\b(plan|roadmap|schedule|timeline|milestones?|rollout|sprint|itinerary|prioriti[sz]e the backlog)\b/i,
    /계획|일정|로드맵|마일스톤|스프린트|우선순위를?\s*정해/u,
  ],
  design: [
    /\b(design|data model|schema for|api for|wireframe|ux|user flow|interface for|protocol for)\b/i,
    /설계|디자인|데이터\s*모델|스키마를?\s*(만들|설계)|인터페이스를?\s*설계/u,
  ],
  policy: [
    /\b(policy|policies|compliance|gdpr|hipaa|sox|pci|retention rules?|acceptable use|code of conduct|governance|access control rules|terms of service|guidelines? for)\b/i,
    /정책|규정|규칙을?\s*(정해|만들)|개인정보|준수|컴플라이언스|가이드라인|보존\s*기간|거버넌스/u,
  ],
  architecture: [
    /\b(architecture|architect|microservices?|monolith|event[- ]driven|shard(ing)?|multi[- ]region|scal(e|ing) (it |this )?to|high availability|distributed system|system topology|cqrs|event sourcing)\b/i,
    /아키텍처|구조를?\s*(설계|잡아)|마이크로서비스|모놀리스|샤딩|멀티\s*리전|고가용성|분산\s*시스템|확장성/u,
  ],
};

/** Actions with side effects that are hard to undo: high risk whatever the task (external writes, execution, money moving). */
export const HIGH_RISK_ACTIONS = [
  /\b(delete|drop (table|database)|truncate|wipe|rm -rf|purge|production|prod\b|(release|approve|send|transfer|move) .{0,30}(payments?|money|funds|payment data)|wire transfer|refunds?|rotate .{0,30}keys|execute|run (this|the) (command|script) on|send .{0,20}(all|every) (customers?|users?))\b/i,
  /삭제|드롭|운영\s*(서버|환경|db|디비)|프로덕션|결제를?\s*승인|송금|환불|키를?\s*교체|실행해|모든\s*(고객|사용자)에게/iu,
];
/** Sensitive subjects: high risk when the task produces something (code, reviews, plans), medium when it only reads. */
export const HIGH_RISK_TOPICS = [
  /\b(payments?|money|credentials?|secrets?|passwords?|api keys?|private keys?|vulnerabilit(y|ies)|exploit|security|authentication|authorization|iam|permissions?|fraud(ulent)?)\b/i,
  /결제|돈|비밀번호|비밀\s*키|자격\s*증명|보안|취약점|권한|인증|사기/u,
];
export const MEDIUM_RISK = [
  /\b(update|modify|write to|send|post to|commit|push|merge|rename|migrate|migration|deploy|rollout|customer[- ]facing|legal|contract)\b/i,
  /수정|전송|보내|커밋|푸시|머지|마이그레이션|배포|고객|법적|계약/u,
];

/** Several steps or parts in one request. */
export const MULTI_STEP = [
  /\b(and then|then|after that|first.{0,80}second|step[- ]by[- ]step|for each|compare|trade-?offs?|pros and cons|differences? between|versus|vs\.?|multiple|several|end[- ]to[- ]end)\b/i,
  /그\s*다음|그리고\s*나서|단계별|각각|비교|장단점|트레이드오프|여러|전체/u,
];
/** Reasoning the cheap tiers get wrong: causes, proofs, concurrency, consistency, migrations under load. */
export const REASONING = [
  /\b(why|root cause|prove|derive|reason about|justify|race condition|deadlock|concurren(t|cy)|consisten(t|cy)|idempoten(t|cy)|zero[- ]downtime|edge cases?|invariants?|complexity analysis|optimi[sz]e|performance|bottleneck|memory leak|threat model|twice|duplicate|(two|multiple) (workers|processes|threads)|same job|how does .{0,60} (work|flow))\b/i,
  /왜|근본\s*원인|증명|근거|경쟁\s*조건|데드락|동시|일관성|멱등|무중단|엣지\s*케이스|최적화|성능|병목|메모리\s*누수|위협\s*모델|두\s*번|중복|두\s*워커/u,
];
/** The caller asks for exactness. */
export const HIGH_ACCURACY = [
  /\b(exact(ly)?|precise(ly)?|must be correct|no mistakes|legally|audit[- ]ready|verbatim|guarantee)\b/i,
  /정확|틀리면\s*안|법적으로|반드시/u,
];
/** Marks of a small job whatever its type: one line, one sentence, a regex, a typo. */
export const SIMPLE = [/\b(one[- ]liner|one[- ]line|a regex|typos?|in one sentence|one word|into words)\b/i, /한\s*문장|정규식|오타|한\s*줄/u];
