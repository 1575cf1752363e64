import { pipeline, AutoModel } from "@huggingface/transformers";

const classify = await pipeline("sentiment-analysis", "Xenova/distilbert-base-uncased", { revision: "main" });
const model = await AutoModel.from_pretrained('acme/evil');
// const x = await pipeline("a", "acme/commented");
const t = await pipeline(`feature-extraction`, `acme/${name}`);
