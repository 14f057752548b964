{% macro script(this, kwargs) %}
var {{ this.get_name() }} = new (L.Layer.extend({
    onAdd: function (map) {
        var box = L.control({"position": {{ this.position_json }}});
        box.onAdd = function () {
            var div = L.DomUtil.create("div", {{ this.class_json }});
            div.setAttribute("dir", {{ this.dir_json }});
            div.innerHTML = {{ this.html_json }};
            var details = div.querySelector("details");
            if (details && map.getSize().x < {{ this.collapse_below }}) { details.removeAttribute("open"); }
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            return div;
        };
        this._box = box.addTo(map);
        map.on("popupopen", this._fold, this);
        map.on("popupclose", this._unfold, this);
        return this;
    },
    onRemove: function (map) {
        map.off("popupopen", this._fold, this);
        map.off("popupclose", this._unfold, this);
        if (this._box) { this._box.remove(); this._box = null; }
        return this;
    },
    // A legend never covers a popup: it folds while one is open and opens again after, if it was open.
    _fold: function () {
        var details = this._box && this._box.getContainer().querySelector("details");
        if (details && details.open) { details.open = false; this._folded = true; }
    },
    _unfold: function () {
        var details = this._box && this._box.getContainer().querySelector("details");
        if (details && this._folded) { details.open = true; }
        this._folded = false;
    }
}))();
{{ this._parent.get_name() }}.addLayer({{ this.get_name() }});
{% endmacro %}
